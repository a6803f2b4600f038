// The one set of limits, and the engine's entry points that enforce them: Params::create, the
// seed decoders and the otpauth parser.

#include <gtest/gtest.h>

#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/limits.h"
#include "hwtotp/totp/otpauth.h"
#include "hwtotp/totp/params.h"

namespace hwtotp {
namespace {

TEST(Limits, SeedSizeIsOneTo1024Bytes) {
    EXPECT_FALSE(limits::check_seed_size(0));
    EXPECT_TRUE(limits::check_seed_size(1));
    EXPECT_TRUE(limits::check_seed_size(1024));
    auto refused = limits::check_seed_size(1025);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(refused.error().message, "the seed is 1025 bytes (accepted: 1 to 1024 bytes)");
}

TEST(Limits, ShortSeedIsAWarningNotARefusal) {
    EXPECT_EQ(limits::short_seed_warning(10).value_or(""),
              "the seed is 10 bytes; RFC 4226 requires at least 16 (128 bits)");
    EXPECT_FALSE(limits::short_seed_warning(16));
    EXPECT_TRUE(limits::check_seed_size(10));
}

TEST(Limits, CounterFitsASigned64BitInteger) {
    EXPECT_TRUE(limits::check_counter(0));
    EXPECT_TRUE(limits::check_counter(9223372036854775807ULL));
    EXPECT_FALSE(limits::check_counter(9223372036854775808ULL));
    EXPECT_FALSE(limits::check_counter(18446744073709551615ULL));
}

TEST(Limits, TextFieldsAreAtMostOneKiB) {
    EXPECT_TRUE(limits::check_text("issuer", std::string(1024, 'x')));
    auto refused = limits::check_text("issuer", std::string(1025, 'x'));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message, "issuer is 1025 bytes long (accepted: at most 1024 bytes)");
}

TEST(Limits, ParamsRefuseAPeriodAbove2To31Minus1) {
    EXPECT_TRUE(Params::create(Hash::sha1, 6, 2147483647, 0));
    auto refused = Params::create(Hash::sha1, 6, 2147483648LL, 0);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message,
              "period 2147483648 s is out of range (accepted: 1 to 2147483647 s)");
    EXPECT_FALSE(Params::create(Hash::sha1, 6, 100000000000000LL, 0));
}

TEST(Limits, DecodersRefuseSeedsOver1024BytesBeforeAllocating) {
    const std::string hex_1024(2048, 'a');
    const std::string hex_1025(2050, 'a');
    EXPECT_TRUE(hex_decode_secret(hex_1024));
    auto hex = hex_decode_secret(hex_1025);
    ASSERT_FALSE(hex);
    EXPECT_EQ(hex.error().message, "the seed is 1025 bytes (accepted: 1 to 1024 bytes)");

    // 5 bits a symbol: 1640 symbols are 1025 bytes, 1634 symbols 1021 bytes.
    EXPECT_TRUE(base32_decode(std::string(1634, 'A')));
    auto b32 = base32_decode(std::string(1640, 'A'));
    ASSERT_FALSE(b32);
    EXPECT_EQ(b32.error().message, "the seed is 1025 bytes (accepted: 1 to 1024 bytes)");
    // A 75 KB seed, as `code --secret` once computed with.
    EXPECT_FALSE(base32_decode(std::string(120000, 'A')));

    EXPECT_TRUE(base64_decode_secret(std::string(1364, 'A') + "AA=="));  // 1024 bytes
    auto b64 = base64_decode_secret(std::string(1368, 'A'));             // 1026 bytes
    ASSERT_FALSE(b64);
    EXPECT_EQ(b64.error().message, "the seed is 1026 bytes (accepted: 1 to 1024 bytes)");
}

TEST(Limits, OtpauthRefusesACounterAbove2To63Minus1) {
    auto max = parse_otpauth_uri("otpauth://hotp/x?secret=MZXW6YTBOI&counter=9223372036854775807");
    ASSERT_TRUE(max) << max.error().message;
    EXPECT_EQ(max->counter, 9223372036854775807ULL);
    auto refused =
        parse_otpauth_uri("otpauth://hotp/x?secret=MZXW6YTBOI&counter=18446744073709551615");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message,
              "otpauth URI: counter 18446744073709551615 is out of range (accepted: 0 to "
              "9223372036854775807)");
}

TEST(Limits, OtpauthRefusesAPeriodAbove2To31Minus1) {
    auto refused = parse_otpauth_uri("otpauth://totp/x?secret=MZXW6YTBOI&period=100000000000");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("accepted: 1 to 2147483647 s"), std::string::npos)
        << refused.error().message;
}

TEST(Limits, OtpauthRefusesLongLabelsAndIssuers) {
    const std::string long_text(1025, 'a');
    auto issuer = parse_otpauth_uri("otpauth://totp/x?secret=MZXW6YTBOI&issuer=" + long_text);
    ASSERT_FALSE(issuer);
    EXPECT_EQ(issuer.error().message,
              "otpauth URI: issuer is 1025 bytes long (accepted: at most 1024 bytes)");
    auto account = parse_otpauth_uri("otpauth://totp/" + long_text + "?secret=MZXW6YTBOI");
    ASSERT_FALSE(account);
    EXPECT_EQ(account.error().message,
              "otpauth URI: account is 1025 bytes long (accepted: at most 1024 bytes)");
}

}  // namespace
}  // namespace hwtotp
