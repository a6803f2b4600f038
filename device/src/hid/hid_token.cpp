#include "hwtotp/device/hid/hid_token.h"

namespace hwtotp::device::hid {

Result<HidToken> HidToken::open(OtpHost& host, int slot, int digits) {
    auto identity = host.identify();
    if (!identity) {
        return tl::unexpected(identity.error());
    }
    return HidToken(
        host, slot, digits, std::to_string(identity->serial),
        "YubiKey " + identity->status.firmware() + " (OTP HID, slot " + std::to_string(slot) + ")");
}

}  // namespace hwtotp::device::hid
