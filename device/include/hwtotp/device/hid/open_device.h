#pragma once
// Turning a --device argument into a Transport: "unix:PATH" (a simulated key on a socket), a
// hidraw path, or nothing when exactly one YubiKey OTP interface is present.

#include <memory>
#include <string>

#include "hwtotp/device/hid/hidapi_transport.h"
#include "hwtotp/device/hid/transport.h"

namespace hwtotp::device::hid {

struct OpenedDevice {
    std::unique_ptr<HidApi> hidapi;  // kept alive while `transport` uses it (null for sockets)
    std::unique_ptr<Transport> transport;
};

// Fails with ErrorCode::device, saying what to do: no token found, several found and no
// --device, permission denied (with the udev rule), nothing listening on the socket.
[[nodiscard]] Result<OpenedDevice> open_device(const std::string& spec);

// Why no hidraw device is usable, for "device list" and errors: no /dev/hidraw* nodes at all,
// or nodes that this user cannot open.
[[nodiscard]] std::string explain_no_device();

}  // namespace hwtotp::device::hid
