#pragma once
// Turning a device name into a Transport: "unix:PATH" (a simulated key on a socket), a hidraw
// path, or "" when exactly one YubiKey OTP interface is present.

#include <memory>
#include <string>

#include "hwtotp/device/hid/hidapi_transport.h"
#include "hwtotp/device/hid/open_error.h"
#include "hwtotp/device/hid/ticker.h"
#include "hwtotp/device/hid/transport.h"

namespace hwtotp::device::hid {

struct OpenedDevice {
    std::unique_ptr<HidApi> hidapi;  // kept alive while `transport` uses it (null for sockets)
    std::unique_ptr<Transport> transport;
};

// Fails with ErrorCode::device and the OpenProblem: no key found, several keys and none named
// (the message lists their paths), no device at a named path, permission denied (the message
// gives the udev rule), nothing listening on the socket. Waits for a socket's server at most
// default_connect_timeout, measured on `ticker`.
[[nodiscard]] OpenResult<OpenedDevice> open_device(const std::string& spec, Ticker& ticker);

// Why no hidraw device is usable, for listings and errors: no /dev/hidraw* nodes at all, or
// nodes that this user cannot open.
[[nodiscard]] std::string explain_no_device();

}  // namespace hwtotp::device::hid
