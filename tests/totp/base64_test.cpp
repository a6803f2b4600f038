// Base64 (RFC 4648 section 4): the RFC's own test vectors, the wrapping PSKC and AWS files use,
// and every malformed shape the decoder must refuse (OpenSSL's EVP_DecodeBlock alone accepts
// several of them).
#include <gtest/gtest.h>

#include <string>

#include "hwtotp/totp/codec.h"

namespace hwtotp {
namespace {

std::string decoded(std::string_view text) {
    auto bytes = base64_decode(text);
    EXPECT_TRUE(bytes.has_value()) << text << ": " << bytes.error().message;
    return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}

std::string error_of(std::string_view text) {
    auto bytes = base64_decode(text);
    EXPECT_FALSE(bytes.has_value()) << text;
    return bytes ? std::string() : bytes.error().message;
}

TEST(Base64, Rfc4648Section10Vectors) {
    EXPECT_EQ(decoded(""), "");
    EXPECT_EQ(decoded("Zg=="), "f");
    EXPECT_EQ(decoded("Zm8="), "fo");
    EXPECT_EQ(decoded("Zm9v"), "foo");
    EXPECT_EQ(decoded("Zm9vYg=="), "foob");
    EXPECT_EQ(decoded("Zm9vYmE="), "fooba");
    EXPECT_EQ(decoded("Zm9vYmFy"), "foobar");
}

TEST(Base64, IgnoresWhitespaceAndLineBreaksAnywhere) {
    EXPECT_EQ(decoded("  Zm9v\n  YmFy\r\n"), "foobar");
    EXPECT_EQ(decoded("Zm 9v Ym E="), "fooba");
    EXPECT_EQ(decoded("\tZg=\n=\n"), "f");
}

TEST(Base64, DecodesAllByteValues) {
    // "AAECAwQFBgcICQoLDA0ODw==" is 0x00..0x0f; "+/" are 62 and 63 (the standard alphabet).
    auto bytes = base64_decode("AAECAwQFBgcICQoLDA0ODw==");
    ASSERT_TRUE(bytes.has_value());
    ASSERT_EQ(bytes->size(), 16u);
    for (std::size_t i = 0; i < bytes->size(); ++i)
        EXPECT_EQ((*bytes)[i], i);
    EXPECT_EQ(decoded("+/+/"), std::string("\xfb\xff\xbf", 3));
}

TEST(Base64, RefusesForeignCharactersNamingThePositionOnly) {
    const auto message = error_of("Zm9v*mFy");
    EXPECT_NE(message.find("position 5"), std::string::npos) << message;
    EXPECT_EQ(message.find('*'), std::string::npos) << "the text may be a seed: " << message;
    error_of("Zm9v-_Fy");  // the URL-safe alphabet is not this one
    error_of("Zm9vYmFy!!!!");
}

TEST(Base64, RefusesCutGroups) {
    EXPECT_NE(error_of("Zm9vYmF").find("multiple of 4"), std::string::npos);
    error_of("Z");
    error_of("Zg=");
}

TEST(Base64, RefusesPaddingAnywhereButTheEnd) {
    // EVP_DecodeBlock accepts each of these; the decoder must not.
    error_of("YQ=a");
    error_of("=QQQ");
    error_of("YQ==YWJj");
    EXPECT_NE(error_of("Y===").find("more than two"), std::string::npos);
    error_of("====");
}

TEST(Base64, SecretVariantMatchesAndRefusesAlike) {
    auto secret = base64_decode_secret("Zm9vYmE=");
    ASSERT_TRUE(secret.has_value());
    const auto bytes = secret->expose();
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "fooba");
    EXPECT_FALSE(base64_decode_secret("Zm9v=mFy").has_value());
    auto empty = base64_decode_secret("  ");
    ASSERT_TRUE(empty.has_value());
    EXPECT_TRUE(empty->empty());
}

TEST(Base64, AcceptsTheLengthOfAnAwsCredentialReport) {
    // A report is tens of kilobytes of base64 wrapped by nothing: one long line.
    std::string text;
    for (int i = 0; i < 10000; ++i)
        text += "Zm9vYmFy";
    auto bytes = base64_decode(text);
    ASSERT_TRUE(bytes.has_value());
    EXPECT_EQ(bytes->size(), 60000u);
}

}  // namespace
}  // namespace hwtotp
