// pam_hwtotp.so with db=postgresql://...: the module logs in against a registry in PostgreSQL
// (the store's throwaway test server, postgres_server.h), through the real libpam.
#include <gtest/gtest.h>

#include <chrono>

#include "backend_param.h"
#include "hwtotp/store/registry.h"
#include "hwtotp/totp/otp_key.h"
#include "hwtotp/totp/steps.h"
#include "pam_harness.h"
#include "postgres_server.h"
#include "store_test_util.h"

namespace hwtotp::pam::test {
namespace {

using hwtotp::store::test::Backend;
using hwtotp::test::TempDir;

constexpr const char* alice_seed = "3132333435363738393031323334353637383930";

std::string code_now() {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto key = OtpKey::create(hwtotp::store::test::secret_from_hex(alice_seed), Hash::sha1);
    return key->code(*step_at(Params::standard(), now), 6).str();
}

TEST(PamPostgres, LoginAgainstAPostgresRegistryIsAcceptedOnceAndRecorded) {
    if (hwtotp::test::postgres_server() == nullptr)
        GTEST_SKIP() << hwtotp::test::postgres_unavailable_reason();
    TempDir dir;
    const auto paths = hwtotp::store::test::backend_paths(dir, Backend::postgres);
    {
        auto registry = hwtotp::store::test::open_registry(paths);
        auto import = registry.begin_import(false, 1'000'000'000);
        ASSERT_TRUE(import);
        ASSERT_TRUE(import->add(hwtotp::store::test::make_token("ALICE0001", alice_seed), "a"));
        ASSERT_TRUE(import->commit());
        ASSERT_TRUE(registry.assign_owner("ALICE0001", "alice"));
    }
    PamService service("db=" + paths.db + " key=" + paths.key);
    const std::string code = code_now();
    const auto first = service.authenticate("alice", {code});
    EXPECT_EQ(first.rc, PAM_SUCCESS) << pam_strerror(nullptr, first.rc);
    EXPECT_NE(service.authenticate("alice", {code}).rc, PAM_SUCCESS);  // a replay
    auto registry = hwtotp::store::test::open_registry(paths);
    auto history = registry.history("ALICE0001");
    ASSERT_TRUE(history);
    ASSERT_EQ(history->size(), 2U);
    EXPECT_EQ(history->back().how, hwtotp::store::ObservedBy::login);
}

TEST(PamPostgres, AUriWithAPasswordFailsClosed) {
    TempDir dir;
    PamService service("db=postgresql://alice:s3cret@localhost/hwtotp key=" +
                       dir.file("tokens.key"));
    EXPECT_EQ(service.authenticate("alice", {"123456"}).rc, PAM_AUTHINFO_UNAVAIL);
}

}  // namespace
}  // namespace hwtotp::pam::test
