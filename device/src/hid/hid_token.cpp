#include "hwtotp/device/hid/hid_token.h"

namespace hwtotp::device::hid {

Result<HidToken> HidToken::open(OtpHost& host, int slot, int digits) {
    HWTOTP_ASSIGN_OR_RETURN(auto identity, host.identify());
    return HidToken(
        host, slot, digits, std::to_string(identity.serial),
        "YubiKey " + identity.status.firmware() + " (OTP HID, slot " + std::to_string(slot) + ")");
}

}  // namespace hwtotp::device::hid
