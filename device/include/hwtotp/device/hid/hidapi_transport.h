#pragma once
// Real YubiKeys through hidapi (hidraw backend). The only hidapi user is hidapi_transport.cpp;
// this header shows no hidapi type.
//
// HidApi owns hid_init()/hid_exit(): create one before enumerating or opening, keep it alive
// while any HidapiDevice exists. Each opened device serializes its hidapi calls with its own
// mutex (hidapi is not thread-safe per handle).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hwtotp/device/hid/open_error.h"
#include "hwtotp/device/hid/transport.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::device::hid {

struct HidDeviceInfo {
    std::string path;  // /dev/hidrawN
    std::uint16_t vendor_id = 0;
    std::uint16_t product_id = 0;
    std::string manufacturer;
    std::string product;
    std::string usb_serial;  // often empty for YubiKeys
    int interface_number = -1;
};

class HidApi {
  public:
    [[nodiscard]] static Result<std::unique_ptr<HidApi>> init();
    ~HidApi();
    HidApi(const HidApi&) = delete;
    HidApi& operator=(const HidApi&) = delete;

    // Yubico devices' OTP interfaces (VID 0x1050, usage page 0x0001, usage 0x0006), one entry
    // per path. Enumeration reads sysfs and needs no permission on /dev/hidraw*.
    [[nodiscard]] std::vector<HidDeviceInfo> enumerate_otp() const;

    // Opens one device by path (ErrorCode::device). Permission problems are reported with the
    // udev fix; a path with no device there is OpenProblem::no_such_device.
    [[nodiscard]] OpenResult<std::unique_ptr<Transport>> open(const std::string& path) const;

  private:
    HidApi() = default;
};

// The udev rule that grants the logged-in user access to YubiKey OTP hidraw nodes.
[[nodiscard]] std::string udev_rule_hint();

}  // namespace hwtotp::device::hid
