#include <gtest/gtest.h>

#include <map>

#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/otpauth.h"

namespace hwtotp {
namespace {

TEST(OtpauthUri, ParsesTheKeyUriFormatExample) {
    // The example from Google's Key Uri Format page.
    auto key = parse_otpauth_uri(
        "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
        "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30");
    ASSERT_TRUE(key.has_value()) << key.error().message;
    EXPECT_EQ(key->type, OtpType::totp);
    EXPECT_EQ(key->issuer, "ACME Co");
    EXPECT_EQ(key->account, "john.doe@email.com");
    EXPECT_EQ(key->params, Params::standard());
    EXPECT_EQ(key->secret.size(), 20U);
}

TEST(OtpauthUri, DefaultsAndNonDefaultParameters) {
    auto key = parse_otpauth_uri(
        "otpauth://totp/alice?secret=MZXW6YTBOI&algorithm=SHA512&digits=8&period=60");
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->params.hash(), Hash::sha512);
    EXPECT_EQ(key->params.digits(), 8);
    EXPECT_EQ(key->params.period(), 60);
    EXPECT_EQ(key->issuer, "");
    EXPECT_EQ(key->account, "alice");
    auto hotp = parse_otpauth_uri("otpauth://hotp/x?secret=MZXW6YTBOI&counter=42");
    ASSERT_TRUE(hotp.has_value());
    EXPECT_EQ(hotp->type, OtpType::hotp);
    EXPECT_EQ(hotp->counter, 42U);
}

TEST(OtpauthUri, FormatThenParseRoundTrips) {
    KeyUri key;
    key.type = OtpType::totp;
    key.issuer = "Big Corp/Ops";
    key.account = "root@example.com";
    key.secret = Secret(std::vector<std::uint8_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    key.params = *Params::create(Hash::sha256, 7, 45, 0);
    const std::string uri = format_otpauth_uri(key);
    auto back = parse_otpauth_uri(uri);
    ASSERT_TRUE(back.has_value()) << uri;
    EXPECT_EQ(back->issuer, key.issuer);
    EXPECT_EQ(back->account, key.account);
    EXPECT_TRUE(back->secret.equals(key.secret));
    EXPECT_EQ(back->params, key.params);
}

TEST(OtpauthUri, RejectsBadUrisWithoutEchoingTheSecret) {
    const char* bad[] = {
        "http://totp/x?secret=MZXW6YTBOI",
        "otpauth://motp/x?secret=MZXW6YTBOI",
        "otpauth://totp/x",
        "otpauth://totp/x?secret=",
        "otpauth://totp/x?secret=MZXW6YTB1I",
        "otpauth://totp/x?secret=MZXW6YTBOI&digits=9",
        "otpauth://totp/x?secret=MZXW6YTBOI&digits=six",
        "otpauth://totp/x?secret=MZXW6YTBOI&period=0",
        "otpauth://totp/x?secret=MZXW6YTBOI&algorithm=MD5",
        "otpauth://hotp/x?secret=MZXW6YTBOI",
        "otpauth://totp/x%zz?secret=MZXW6YTBOI",
        "otpauth://totp/x?secret=MZXW6YTBOI&secret=MZXW6YTBOI",
    };
    for (const char* uri : bad) {
        auto key = parse_otpauth_uri(uri);
        ASSERT_FALSE(key.has_value()) << uri;
        EXPECT_EQ(key.error().message.find("MZXW6YTB"), std::string::npos) << key.error().message;
    }
}

}  // namespace
}  // namespace hwtotp

namespace hwtotp {
namespace {

// Found by fuzz_otpauth: an issuer holding an encoded colon must not move the label split.
TEST(OtpauthUri, IssuerWithAColonRoundTrips) {
    KeyUri key;
    key.issuer = "Corp:EU";
    key.account = "alice";
    key.secret = Secret(std::vector<std::uint8_t>{1, 2, 3, 4, 5});
    auto back = parse_otpauth_uri(format_otpauth_uri(key));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->issuer, "Corp:EU");
    EXPECT_EQ(back->account, "alice");
}

TEST(OtpauthUri, EncodedSeparatorIsSplitWhenTheIssuerParameterNamesIt) {
    auto key = parse_otpauth_uri("otpauth://totp/ACME%3Aalice?secret=MZXW6YTBOI&issuer=ACME");
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->issuer, "ACME");
    EXPECT_EQ(key->account, "alice");
    auto no_issuer = parse_otpauth_uri("otpauth://totp/a%3Ab?secret=MZXW6YTBOI");
    ASSERT_TRUE(no_issuer.has_value());
    EXPECT_EQ(no_issuer->account, "a:b");
}

}  // namespace
}  // namespace hwtotp

namespace hwtotp {
namespace {

// Found by fuzz_otpauth: a HOTP URI with a non-default period lost it when formatted.
TEST(OtpauthUri, HotpWithAPeriodRoundTrips) {
    auto key = parse_otpauth_uri("otpauth://hotp/x?secret=MZXW6YTBOI&counter=7&period=60");
    ASSERT_TRUE(key.has_value());
    auto back = parse_otpauth_uri(format_otpauth_uri(*key));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->params, key->params);
    EXPECT_EQ(back->counter, 7U);
}

// Parameters the format does not define are the caller's (a vendor's serial=): kept decoded,
// names lower-cased, and written back by format.
TEST(OtpauthUri, KeepsParametersItDoesNotDefine) {
    auto key = parse_otpauth_uri(
        "otpauth://totp/ACME:alice?secret=MZXW6YTBOI&Serial=GAKT%2012345678&image=a%26b");
    ASSERT_TRUE(key.has_value());
    const std::map<std::string, std::string> expected{{"image", "a&b"},
                                                      {"serial", "GAKT 12345678"}};
    EXPECT_EQ(key->extra, expected);
    auto back = parse_otpauth_uri(format_otpauth_uri(*key));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->extra, expected);
    EXPECT_FALSE(parse_otpauth_uri("otpauth://totp/a?secret=MZXW6YTBOI&serial=1&serial=2"))
        << "a parameter given twice is refused, defined or not";
}

// A TOTP URI may carry a counter; formatting keeps it so that parsing gives the same key.
TEST(OtpauthUri, TotpWithACounterRoundTrips) {
    auto key = parse_otpauth_uri("otpauth://totp/x?secret=MZXW6YTBOI&counter=5");
    ASSERT_TRUE(key.has_value());
    auto back = parse_otpauth_uri(format_otpauth_uri(*key));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->counter, 5U);
}

}  // namespace
}  // namespace hwtotp
