#pragma once
// The status report a YubiKey returns when idle (spec §1.3):
//   byte 0 unused | 1..3 firmware major.minor.build | 4 pgmSeq | 5..6 touchLevel LE | 7 status

#include <cstdint>
#include <string>

#include "hwtotp/device/hid/report.h"

namespace hwtotp::device::hid {

struct DeviceStatus {
    std::uint8_t major = 0;
    std::uint8_t minor = 0;
    std::uint8_t build = 0;
    std::uint8_t pgm_seq = 0;
    std::uint16_t touch_level = 0;

    static constexpr std::uint16_t config1_valid = 0x01;
    static constexpr std::uint16_t config2_valid = 0x02;

    // Whether slot 1 or 2 holds a configuration (of any kind).
    [[nodiscard]] bool slot_configured(int slot) const {
        return (touch_level & (slot == 1 ? config1_valid : config2_valid)) != 0;
    }
    [[nodiscard]] std::string firmware() const;  // "5.4.3"
};

[[nodiscard]] DeviceStatus parse_status(const Report& report);
[[nodiscard]] Report encode_status(const DeviceStatus& status);

}  // namespace hwtotp::device::hid
