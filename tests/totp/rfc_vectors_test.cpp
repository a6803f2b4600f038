// The RFCs' own test values, read from vectors/: every one must come out exactly.
#include <gtest/gtest.h>

#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/otp_key.h"
#include "hwtotp/totp/steps.h"
#include "vectors.h"

namespace hwtotp {
namespace {

OtpKey key_from_hex(const std::string& hex, Hash hash) {
    auto secret = hex_decode_secret(hex);
    EXPECT_TRUE(secret.has_value());
    auto key = OtpKey::create(*secret, hash);
    EXPECT_TRUE(key.has_value());
    return std::move(*key);
}

TEST(Rfc4226AppendixD, IntermediateHmacTruncationAndCode) {
    const auto rows = test::read_vector_file("rfc4226-appendix-d.txt");
    ASSERT_EQ(rows.size(), 10U);
    const OtpKey key = key_from_hex("3132333435363738393031323334353637383930", Hash::sha1);
    for (const auto& row : rows) {
        const auto counter = std::stoull(row[0]);
        std::array<std::uint8_t, 20> mac{};
        key.hmac(counter, mac);
        EXPECT_EQ(hex_encode(mac), row[1]) << "count " << counter;
        EXPECT_EQ(key.truncated(counter), std::stoul(row[2], nullptr, 16)) << "count " << counter;
        EXPECT_EQ(key.truncated(counter), std::stoul(row[3])) << "count " << counter;
        EXPECT_EQ(key.code(counter, 6).str(), row[4]) << "count " << counter;
    }
}

TEST(Rfc6238AppendixB, AllEighteenValues) {
    const auto rows = test::read_vector_file("rfc6238-appendix-b.txt");
    ASSERT_EQ(rows.size(), 18U);
    for (const auto& row : rows) {
        const auto hash = parse_hash(row[4]);
        ASSERT_TRUE(hash.has_value());
        const OtpKey key = key_from_hex(row[5], *hash);
        const auto params = Params::create(*hash, 8, 30, 0);
        ASSERT_TRUE(params.has_value());
        const auto step = step_at(*params, std::stoll(row[0]));
        ASSERT_TRUE(step.has_value());
        EXPECT_EQ(*step, std::stoull(row[2], nullptr, 16)) << row[0];
        EXPECT_EQ(key.code(*step, 8).str(), row[3]) << row[0] << ' ' << row[4];
    }
}

}  // namespace
}  // namespace hwtotp
