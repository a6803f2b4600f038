#pragma once
// The unit of the YubiKey OTP HID protocol: one 8-byte feature report (no report ID).
// Bytes 0..6 carry data, byte 7 is the sequence/status byte (spec §1.2).

#include <array>
#include <cstddef>
#include <cstdint>

namespace hwtotp::device::hid {

using Report = std::array<std::uint8_t, 8>;

inline constexpr std::size_t report_data_size = 7;
inline constexpr std::size_t report_status_index = 7;

// Status/sequence byte flags (ykdef.h; yubikit/core/otp.py).
inline constexpr std::uint8_t slot_write_flag = 0x80;    // host wrote, device has not taken it
inline constexpr std::uint8_t resp_pending_flag = 0x40;  // response chunk follows, low bits = seq
inline constexpr std::uint8_t resp_timeout_wait_flag = 0x20;  // touch wait, low bits = seconds
inline constexpr std::uint8_t sequence_mask = 0x1F;
// The report that aborts a transaction / leaves read mode. ykman sends 0xFF (as in the traces);
// ykpers sends 0x8F. Both are a write with an invalid sequence number.
inline constexpr std::uint8_t reset_status = 0xFF;

[[nodiscard]] constexpr Report reset_report() {
    return Report{0, 0, 0, 0, 0, 0, 0, reset_status};
}

// USB identification of the OTP interface (spec §1.1).
inline constexpr std::uint16_t yubico_vendor_id = 0x1050;
inline constexpr std::uint16_t otp_usage_page = 0x0001;  // Generic Desktop
inline constexpr std::uint16_t otp_usage = 0x0006;       // Keyboard

}  // namespace hwtotp::device::hid
