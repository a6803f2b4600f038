#include <gtest/gtest.h>

#include "hwtotp/totp/params.h"

namespace hwtotp {
namespace {

TEST(Params, AcceptsSixToEightDigitsAndPositivePeriods) {
    for (int digits : {6, 7, 8})
        EXPECT_TRUE(Params::create(Hash::sha1, digits, 30, 0).has_value());
    EXPECT_TRUE(Params::create(Hash::sha512, 6, 1, -100).has_value());
}

TEST(Params, RejectsOutOfRangeValuesWithTheAcceptedRange) {
    for (int digits : {0, 5, 9, -6}) {
        auto p = Params::create(Hash::sha1, digits, 30, 0);
        ASSERT_FALSE(p.has_value());
        EXPECT_NE(p.error().message.find("6, 7 or 8"), std::string::npos);
    }
    EXPECT_FALSE(Params::create(Hash::sha1, 6, 0, 0).has_value());
    EXPECT_FALSE(Params::create(Hash::sha1, 6, -30, 0).has_value());
}

TEST(Params, ParsesHashNamesAsVendorsSpellThem) {
    EXPECT_EQ(*parse_hash("SHA1"), Hash::sha1);
    EXPECT_EQ(*parse_hash("sha-256"), Hash::sha256);
    EXPECT_EQ(*parse_hash("HMAC-SHA512"), Hash::sha512);
    EXPECT_FALSE(parse_hash("md5").has_value());
    EXPECT_FALSE(parse_hash("").has_value());
}

}  // namespace
}  // namespace hwtotp
