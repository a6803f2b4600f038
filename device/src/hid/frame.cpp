#include "hwtotp/device/hid/frame.h"

#include <algorithm>
#include <string>

#include "hwtotp/device/hid/crc16.h"

namespace hwtotp::device::hid {
namespace {

constexpr std::size_t response_crc_size = 2;

std::span<const std::uint8_t> payload_of(const Frame& frame) {
    return std::span<const std::uint8_t>(frame).first(frame_payload_size);
}

}  // namespace

Result<Frame> encode_frame(std::uint8_t command, std::span<const std::uint8_t> payload) {
    if (payload.size() > frame_payload_size) {
        return fail(ErrorCode::invalid_input,
                    "a YubiKey command payload holds at most 64 bytes, got " +
                        std::to_string(payload.size()));
    }
    Frame frame{};
    std::copy(payload.begin(), payload.end(), frame.begin());
    frame[frame_slot_offset] = command;
    const std::uint16_t crc = crc16(payload_of(frame));
    frame[frame_crc_offset] = static_cast<std::uint8_t>(crc & 0xFF);
    frame[frame_crc_offset + 1] = static_cast<std::uint8_t>(crc >> 8);
    return frame;
}

std::vector<Report> frame_reports(const Frame& frame) {
    std::vector<Report> reports;
    for (std::size_t n = 0; n < frame_chunks; ++n) {
        const auto chunk =
            std::span<const std::uint8_t>(frame).subspan(n * report_data_size, report_data_size);
        const bool all_zero =
            std::all_of(chunk.begin(), chunk.end(), [](auto b) { return b == 0; });
        // The first chunk tells the device to clear its buffer and the last makes it run the
        // command, so both always go; any other zero chunk is implied by the cleared buffer.
        if (all_zero && n != 0 && n != frame_chunks - 1) {
            continue;
        }
        Report report{};
        std::copy(chunk.begin(), chunk.end(), report.begin());
        report[report_status_index] = static_cast<std::uint8_t>(slot_write_flag | n);
        reports.push_back(report);
    }
    return reports;
}

Result<DecodedFrame> decode_frame(const Frame& frame) {
    const std::uint16_t expected = crc16(payload_of(frame));
    const auto received =
        static_cast<std::uint16_t>(frame[frame_crc_offset] | (frame[frame_crc_offset + 1] << 8));
    if (expected != received) {
        return fail(ErrorCode::device, "frame CRC mismatch");
    }
    DecodedFrame decoded;
    decoded.command = frame[frame_slot_offset];
    std::copy_n(frame.begin(), frame_payload_size, decoded.payload.begin());
    return decoded;
}

std::vector<std::uint8_t> encode_response(std::span<const std::uint8_t> data) {
    std::vector<std::uint8_t> bytes(data.begin(), data.end());
    const auto crc = static_cast<std::uint16_t>(~crc16(data));
    bytes.push_back(static_cast<std::uint8_t>(crc & 0xFF));
    bytes.push_back(static_cast<std::uint8_t>(crc >> 8));
    const std::size_t padded =
        (bytes.size() + report_data_size - 1) / report_data_size * report_data_size;
    bytes.resize(padded, 0);
    return bytes;
}

Result<std::vector<std::uint8_t>> decode_response(std::span<const std::uint8_t> collected,
                                                  std::size_t expected_size) {
    const std::size_t with_crc = expected_size + response_crc_size;
    if (collected.size() < with_crc) {
        return fail(ErrorCode::device, "the key sent a short response (" +
                                           std::to_string(collected.size()) + " bytes, expected " +
                                           std::to_string(with_crc) +
                                           "); unplug it, plug it back in and retry");
    }
    if (crc16(collected.first(with_crc)) != crc16_ok_residual) {
        return fail(ErrorCode::device,
                    "CRC mismatch in the key's response (corrupted transfer); retry, and if it "
                    "persists try another USB port or cable");
    }
    return std::vector<std::uint8_t>(
        collected.begin(), collected.begin() + static_cast<std::ptrdiff_t>(expected_size));
}

}  // namespace hwtotp::device::hid
