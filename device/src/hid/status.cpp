#include "hwtotp/device/hid/status.h"

namespace hwtotp::device::hid {

std::string DeviceStatus::firmware() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(build);
}

DeviceStatus parse_status(const Report& report) {
    DeviceStatus status;
    status.major = report[1];
    status.minor = report[2];
    status.build = report[3];
    status.pgm_seq = report[4];
    status.touch_level = static_cast<std::uint16_t>(report[5] | (report[6] << 8));  // LE
    return status;
}

Report encode_status(const DeviceStatus& status) {
    return Report{0,
                  status.major,
                  status.minor,
                  status.build,
                  status.pgm_seq,
                  static_cast<std::uint8_t>(status.touch_level & 0xFF),
                  static_cast<std::uint8_t>(status.touch_level >> 8),
                  0};
}

}  // namespace hwtotp::device::hid
