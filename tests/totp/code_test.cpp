#include <gtest/gtest.h>

#include "hwtotp/totp/code.h"

namespace hwtotp {
namespace {

TEST(Code, ParsesSixToEightDigitsKeepingLeadingZeros) {
    auto code = Code::parse("00012345");
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(code->str(), "00012345");
    EXPECT_EQ(code->value(), 12345U);
    EXPECT_EQ(code->length(), 8);
}

TEST(Code, RejectsWrongLengthsAndNonDigits) {
    for (const char* bad : {"", "12345", "123456789", "12a456", " 123456", "12345 ", "+12345"}) {
        auto code = Code::parse(bad, "code1");
        ASSERT_FALSE(code.has_value()) << bad;
        EXPECT_EQ(code.error().code, ErrorCode::invalid_input);
        EXPECT_NE(code.error().message.find("code1"), std::string::npos);
    }
}

TEST(Code, FromValueReducesAndPads) {
    EXPECT_EQ(Code::from_value(1284755224, 6).str(), "755224");  // RFC 4226 count 0
    EXPECT_EQ(Code::from_value(82162583, 8).str(), "82162583");
    EXPECT_EQ(Code::from_value(5, 6).str(), "000005");
    EXPECT_EQ(Code::from_value(100000000, 8).str(), "00000000");
}

TEST(Code, EqualityNeedsSameDigitsAndLength) {
    EXPECT_EQ(*Code::parse("123456"), *Code::parse("123456"));
    EXPECT_FALSE(*Code::parse("123456") == *Code::parse("123457"));
    EXPECT_FALSE(*Code::parse("023456") == *Code::parse("123456"));
    // Same numeric value, different length: different codes.
    EXPECT_FALSE(*Code::parse("0123456") == *Code::parse("123456"));
}

}  // namespace
}  // namespace hwtotp
