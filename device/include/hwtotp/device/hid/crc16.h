#pragma once
// CRC-16 of the YubiKey frames (yubico-c ykcrc.c; spec §1.4): CRC-16/MCRF4XX — reflected
// polynomial 0x8408, init 0xFFFF, no final XOR. Check value for "123456789" is 0x6F91.
// Frames sent to the key carry the plain CRC of their payload; responses carry the complemented
// CRC, so running the CRC over response data + its CRC yields the constant residual 0xF0B8.

#include <cstdint>
#include <span>

namespace hwtotp::device::hid {

inline constexpr std::uint16_t crc16_ok_residual = 0xF0B8;

[[nodiscard]] std::uint16_t crc16(std::span<const std::uint8_t> bytes);

}  // namespace hwtotp::device::hid
