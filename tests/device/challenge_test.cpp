// ykman's TOTP challenge padding and the device's LT64 stripping (spec §2).
#include <gtest/gtest.h>

#include "hwtotp/device/hid/challenge.h"

namespace hwtotp::device::hid {
namespace {

TEST(TotpChallenge, StepOnePadsWithZero) {
    const auto c = totp_challenge(1);
    for (std::size_t i = 0; i < 7; ++i)
        EXPECT_EQ(c[i], 0) << i;
    EXPECT_EQ(c[7], 1);
    for (std::size_t i = 8; i < 64; ++i)
        EXPECT_EQ(c[i], 0x00) << i;
    EXPECT_EQ(strip_lt64_padding(c), (std::vector<std::uint8_t>{0, 0, 0, 0, 0, 0, 0, 1}));
}

TEST(TotpChallenge, LowByteZeroPadsWithOne) {
    // t = 7680 s → step 256 = 00 00 00 00 00 00 01 00: zero padding would be stripped with it.
    const auto c = totp_challenge(256);
    EXPECT_EQ(c[6], 1);
    EXPECT_EQ(c[7], 0);
    for (std::size_t i = 8; i < 64; ++i)
        EXPECT_EQ(c[i], 0x01) << i;
    EXPECT_EQ(strip_lt64_padding(c), (std::vector<std::uint8_t>{0, 0, 0, 0, 0, 0, 1, 0}));
}

TEST(TotpChallenge, BigEndianStep) {
    const auto c = totp_challenge(0x0102030405060708ULL);
    EXPECT_EQ(std::vector<std::uint8_t>(c.begin(), c.begin() + 8),
              (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(Lt64, AllPaddingGivesEmptyMessage) {
    std::array<std::uint8_t, 64> zeros{};
    EXPECT_TRUE(strip_lt64_padding(zeros).empty());
}

TEST(Truncate, Rfc4226Count1) {
    // RFC 4226 Appendix D: HMAC for count 1 truncates to 287082 (6 digits).
    const std::array<std::uint8_t, 20> hmac{0x75, 0xa4, 0x8a, 0x19, 0xd4, 0xcb, 0xe1,
                                            0x00, 0x64, 0x4e, 0x8a, 0xc1, 0x39, 0x7e,
                                            0xea, 0x74, 0x7a, 0x2d, 0x33, 0xab};
    EXPECT_EQ(truncate_hmac(hmac, 6).str(), "287082");
    EXPECT_EQ(truncate_hmac(hmac, 8).str(), "94287082");
}

}  // namespace
}  // namespace hwtotp::device::hid
