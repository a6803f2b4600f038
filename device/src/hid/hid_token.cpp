#include "hwtotp/device/hid/hid_token.h"

namespace hwtotp::device::hid {

Result<HidToken> HidToken::open(OtpHost& host, int slot, int digits) {
    auto status = host.read_status();
    if (!status) {
        return tl::unexpected(status.error());
    }
    auto serial = host.read_serial();
    if (!serial) {
        return tl::unexpected(serial.error());
    }
    return HidToken(
        host, slot, digits, std::to_string(*serial),
        "YubiKey " + status->firmware() + " (OTP HID, slot " + std::to_string(slot) + ")");
}

}  // namespace hwtotp::device::hid
