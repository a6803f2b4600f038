#include <gtest/gtest.h>

#include "hwtotp/totp/codec.h"

namespace hwtotp {
namespace {

std::string text_of(const Secret& s) {
    return {reinterpret_cast<const char*>(s.expose().data()), s.size()};
}

// RFC 4648 section 10 test vectors.
struct Base32Case {
    const char* plain;
    const char* encoded;
};
class Rfc4648Base32 : public ::testing::TestWithParam<Base32Case> {};

TEST_P(Rfc4648Base32, DecodesAndEncodes) {
    const auto [plain, encoded] = GetParam();
    auto decoded = base32_decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(text_of(*decoded), plain);
    const std::string p(plain);
    const std::span bytes(reinterpret_cast<const std::uint8_t*>(p.data()), p.size());
    EXPECT_EQ(base32_encode(bytes, true), encoded);
}

INSTANTIATE_TEST_SUITE_P(
    Section10, Rfc4648Base32,
    ::testing::Values(Base32Case{"f", "MY======"}, Base32Case{"fo", "MZXQ===="},
                      Base32Case{"foo", "MZXW6==="}, Base32Case{"foob", "MZXW6YQ="},
                      Base32Case{"fooba", "MZXW6YTB"}, Base32Case{"foobar", "MZXW6YTBOI======"}));

TEST(Base32, AcceptsLowercaseSpacesDashesAndMissingPadding) {
    for (const char* typed : {"mzxw6ytboi", "MZXW 6YTB OI", "mzxw-6ytb-oi", "MZXW6YTBOI======"}) {
        auto decoded = base32_decode(typed);
        ASSERT_TRUE(decoded.has_value()) << typed;
        EXPECT_EQ(text_of(*decoded), "foobar") << typed;
    }
}

TEST(Base32, NamesTheBadCharacterAndItsPosition) {
    auto r = base32_decode("ABCD1FGH");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("'1' at position 5"), std::string::npos) << r.error().message;
    for (const char* bad : {"AAAAAAA0", "AAAAAAA8", "AAAAAAA9", "AA!A"}) {
        EXPECT_FALSE(base32_decode(bad).has_value()) << bad;
    }
}

TEST(Base32, RejectsImpossibleLengthsEmptyInputAndInnerPadding) {
    for (const char* bad : {"A", "ABC", "ABCDEF", "ABCDEFGHA", "", "   ", "MY==MY=="}) {
        auto r = base32_decode(bad);
        ASSERT_FALSE(r.has_value()) << '"' << bad << '"';
        EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
    }
}

TEST(Hex, DecodesEitherCaseWithSeparatorsAndPrefix) {
    for (const char* typed : {"666f6f", "666F6F", "0x666f6f", "66 6f 6f", "66:6f:6f"}) {
        auto decoded = hex_decode_secret(typed);
        ASSERT_TRUE(decoded.has_value()) << typed;
        EXPECT_EQ(text_of(*decoded), "foo");
    }
    EXPECT_EQ(hex_encode(std::vector<std::uint8_t>{0x00, 0xab, 0xff}), "00abff");
}

TEST(Hex, RejectsOddLengthBadCharactersAndEmpty) {
    auto odd = hex_decode_secret("abc");
    ASSERT_FALSE(odd.has_value());
    EXPECT_NE(odd.error().message.find("odd"), std::string::npos);
    auto bad = hex_decode("abzd");
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().message.find("'z' at position 3"), std::string::npos);
    EXPECT_FALSE(hex_decode("").has_value());
}

}  // namespace
}  // namespace hwtotp
