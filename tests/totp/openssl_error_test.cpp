// The one OpenSSL error text every library uses: all queued entries, oldest first; queue drained.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evperr.h>

#include "hwtotp/totp/openssl_error.h"

namespace hwtotp {
namespace {

TEST(OpensslError, EveryQueuedEntryOldestFirstAndTheQueueIsDrained) {
    ERR_clear_error();
    // The cause first, then the operation that gave up on it.
    ERR_raise(ERR_LIB_EVP, EVP_R_BAD_DECRYPT);
    ERR_raise(ERR_LIB_EVP, EVP_R_INITIALIZATION_ERROR);
    const std::string text = openssl_error("sealing failed");
    EXPECT_TRUE(text.starts_with("sealing failed: ")) << text;
    const auto cause = text.find("bad decrypt");
    const auto outer = text.find("initialization error");
    ASSERT_NE(cause, std::string::npos) << text;  // a last-entry-only text loses the cause
    ASSERT_NE(outer, std::string::npos) << text;
    EXPECT_LT(cause, outer);
    EXPECT_NE(text.find("; "), std::string::npos);
    EXPECT_EQ(ERR_peek_error(), 0UL);
}

TEST(OpensslError, AnEmptyQueueGivesJustTheContext) {
    ERR_clear_error();
    EXPECT_EQ(openssl_error("RAND_bytes failed"), "RAND_bytes failed");
}

}  // namespace
}  // namespace hwtotp
