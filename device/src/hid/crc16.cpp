#include "hwtotp/device/hid/crc16.h"

namespace hwtotp::device::hid {

std::uint16_t crc16(std::span<const std::uint8_t> bytes) {
    // Bitwise, LSB first: 70-byte frames do not justify a table.
    std::uint16_t crc = 0xFFFF;
    for (const std::uint8_t byte : bytes) {
        crc = static_cast<std::uint16_t>(crc ^ byte);
        for (int bit = 0; bit < 8; ++bit) {
            const bool lsb = (crc & 1U) != 0;
            crc = static_cast<std::uint16_t>(crc >> 1);
            if (lsb) {
                crc = static_cast<std::uint16_t>(crc ^ 0x8408U);
            }
        }
    }
    return crc;
}

}  // namespace hwtotp::device::hid
