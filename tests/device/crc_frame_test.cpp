// CRC-16 and frame codecs, byte for byte against shared/specs/yubikey-otp-hid.md §1.4–1.5.
#include <gtest/gtest.h>

#include <string_view>

#include "hwtotp/device/hid/challenge.h"
#include "hwtotp/device/hid/crc16.h"
#include "hwtotp/device/hid/frame.h"

namespace hwtotp::device::hid {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) {
    return std::vector<std::uint8_t>(text.begin(), text.end());
}

TEST(Crc16, CheckValueOfMcrf4xx) {
    EXPECT_EQ(crc16(bytes_of("123456789")), 0x6F91);
}

TEST(Crc16, SixtyFourZeroBytes) {
    const std::vector<std::uint8_t> zeros(64, 0);
    EXPECT_EQ(crc16(zeros), 0x5B6B);
}

TEST(Crc16, ComplementedCrcLeavesResidual) {
    auto data = bytes_of("123456789");
    const auto crc = static_cast<std::uint16_t>(~crc16(data));
    data.push_back(static_cast<std::uint8_t>(crc & 0xFF));
    data.push_back(static_cast<std::uint8_t>(crc >> 8));
    EXPECT_EQ(crc16(data), crc16_ok_residual);
    data[3] ^= 0x10;  // any flipped bit breaks it
    EXPECT_NE(crc16(data), crc16_ok_residual);
}

TEST(Frame, SerialCommandIsTwoReports) {
    // Trace: "W 00 00 00 00 00 00 00 80" then "W 00 10 6b 5b 00 00 00 89".
    auto frame = encode_frame(0x10, {});
    ASSERT_TRUE(frame);
    const auto reports = frame_reports(*frame);
    ASSERT_EQ(reports.size(), 2U);
    EXPECT_EQ(reports[0], (Report{0, 0, 0, 0, 0, 0, 0, 0x80}));
    EXPECT_EQ(reports[1], (Report{0x00, 0x10, 0x6b, 0x5b, 0, 0, 0, 0x89}));
}

TEST(Frame, TotpAt59ForSlot2SkipsZeroChunks) {
    // Spec §1.4: only chunks 0, 1 and 9 go out.
    const auto challenge = totp_challenge(1);
    auto frame = encode_frame(0x38, challenge);
    ASSERT_TRUE(frame);
    const auto reports = frame_reports(*frame);
    ASSERT_EQ(reports.size(), 3U);
    EXPECT_EQ(reports[0], (Report{0, 0, 0, 0, 0, 0, 0, 0x80}));
    EXPECT_EQ(reports[1], (Report{0x01, 0, 0, 0, 0, 0, 0, 0x81}));
    EXPECT_EQ(reports[2], (Report{0x00, 0x38, 0xb9, 0x8e, 0, 0, 0, 0x89}));
}

TEST(Frame, NonZeroMiddleChunksAreSent) {
    std::vector<std::uint8_t> payload(64, 0);
    payload[20] = 0xAA;  // chunk 2
    payload[50] = 0xBB;  // chunk 7
    auto frame = encode_frame(0x30, payload);
    ASSERT_TRUE(frame);
    const auto reports = frame_reports(*frame);
    ASSERT_EQ(reports.size(), 4U);
    EXPECT_EQ(reports[0][7], 0x80);
    EXPECT_EQ(reports[1][7], 0x82);
    EXPECT_EQ(reports[1][6], 0xAA);
    EXPECT_EQ(reports[2][7], 0x87);
    EXPECT_EQ(reports[2][1], 0xBB);
    EXPECT_EQ(reports[3][7], 0x89);
}

TEST(Frame, FullPayloadSendsAllTenChunks) {
    std::vector<std::uint8_t> payload(64, 0x5A);
    auto frame = encode_frame(0x30, payload);
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame_reports(*frame).size(), 10U);
}

TEST(Frame, RejectsOversizedPayload) {
    std::vector<std::uint8_t> payload(65, 1);
    auto frame = encode_frame(0x30, payload);
    ASSERT_FALSE(frame);
    EXPECT_EQ(frame.error().code, ErrorCode::invalid_input);
}

TEST(Frame, DecodeRoundTripAndCrcMismatch) {
    const auto challenge = totp_challenge(1);
    auto frame = encode_frame(0x38, challenge);
    ASSERT_TRUE(frame);
    auto decoded = decode_frame(*frame);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->command, 0x38);
    EXPECT_TRUE(std::equal(challenge.begin(), challenge.end(), decoded->payload.begin()));
    (*frame)[65] ^= 0x01;
    EXPECT_FALSE(decode_frame(*frame));
}

TEST(Response, SerialEncodesAsTraceChunk) {
    // Trace: "R 00 bc 61 4e c8 04 00 40" — serial 12345678 big-endian, CRC c8 04.
    const std::array<std::uint8_t, 4> serial{0x00, 0xbc, 0x61, 0x4e};
    const auto bytes = encode_response(serial);
    EXPECT_EQ(bytes, (std::vector<std::uint8_t>{0x00, 0xbc, 0x61, 0x4e, 0xc8, 0x04, 0x00}));
    auto decoded = decode_response(bytes, 4);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, (std::vector<std::uint8_t>{0x00, 0xbc, 0x61, 0x4e}));
}

TEST(Response, HmacEncodesAsTraceChunks) {
    // RFC 4226 HMAC for count 1; the trace's four chunks carry it plus CRC bytes 1b 6e.
    const std::vector<std::uint8_t> hmac{0x75, 0xa4, 0x8a, 0x19, 0xd4, 0xcb, 0xe1,
                                         0x00, 0x64, 0x4e, 0x8a, 0xc1, 0x39, 0x7e,
                                         0xea, 0x74, 0x7a, 0x2d, 0x33, 0xab};
    const auto bytes = encode_response(hmac);
    ASSERT_EQ(bytes.size(), 28U);
    EXPECT_EQ(bytes[20], 0x1b);
    EXPECT_EQ(bytes[21], 0x6e);
    for (std::size_t i = 22; i < 28; ++i)
        EXPECT_EQ(bytes[i], 0) << i;
    auto decoded = decode_response(bytes, 20);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, hmac);
}

TEST(Response, CorruptedOrShortResponsesFail) {
    const std::array<std::uint8_t, 4> serial{0x00, 0xbc, 0x61, 0x4e};
    auto bytes = encode_response(serial);
    bytes[1] ^= 0x80;
    auto corrupt = decode_response(bytes, 4);
    ASSERT_FALSE(corrupt);
    EXPECT_EQ(corrupt.error().code, ErrorCode::device);
    EXPECT_NE(corrupt.error().message.find("CRC mismatch"), std::string::npos);
    const std::vector<std::uint8_t> short_bytes{0x00, 0xbc, 0x61};
    EXPECT_FALSE(decode_response(short_bytes, 4));
}

}  // namespace
}  // namespace hwtotp::device::hid
