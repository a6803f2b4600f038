#pragma once
// The 70-byte command frame and the response format, as pure functions of bytes (spec §1.4,
// §1.5). Both sides use these: the host driver to send and check, the simulated key to parse
// and answer. Nothing here performs I/O.
//
// Frame: payload[64] (zero-filled) | slot/command byte | CRC-16 of the payload, LE | 3 zeros.
// It travels as 10 chunks of 7 bytes in reports with status 0x80|n; all-zero chunks other than
// the first and the last are skipped, so the device zeroes its buffer when chunk 0 arrives.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "hwtotp/device/hid/report.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::device::hid {

inline constexpr std::size_t frame_payload_size = 64;
inline constexpr std::size_t frame_size = 70;
inline constexpr std::size_t frame_chunks = 10;  // 70 / 7
inline constexpr std::size_t frame_slot_offset = 64;
inline constexpr std::size_t frame_crc_offset = 65;

using Frame = std::array<std::uint8_t, frame_size>;

// Command (slot) bytes used by hwtotp (spec §1.7).
enum class Command : std::uint8_t {
    device_serial = 0x10,
    chal_hmac1 = 0x30,
    chal_hmac2 = 0x38,
};

// Builds a frame. Fails (invalid_input) when the payload exceeds 64 bytes.
[[nodiscard]] Result<Frame> encode_frame(std::uint8_t command,
                                         std::span<const std::uint8_t> payload);

// The reports that carry `frame`, in order, skip rule applied: chunk n becomes its 7 bytes
// followed by 0x80 | n.
[[nodiscard]] std::vector<Report> frame_reports(const Frame& frame);

// Device side: a received frame's command and payload. Fails when the CRC does not match.
struct DecodedFrame {
    std::uint8_t command = 0;
    std::array<std::uint8_t, frame_payload_size> payload{};
};
[[nodiscard]] Result<DecodedFrame> decode_frame(const Frame& frame);

// Device side: the bytes of a response — data, complemented CRC-16 (LE), zero-padded to a
// multiple of 7 — to be sent as chunks with status 0x40|i.
[[nodiscard]] std::vector<std::uint8_t> encode_response(std::span<const std::uint8_t> data);

// Host side: the `expected_size` data bytes of a collected response, after checking that the
// data plus its CRC leave the residual 0xF0B8. Fails (ErrorCode::device) on a short response
// or a CRC mismatch.
[[nodiscard]] Result<std::vector<std::uint8_t>> decode_response(
    std::span<const std::uint8_t> collected, std::size_t expected_size);

}  // namespace hwtotp::device::hid
