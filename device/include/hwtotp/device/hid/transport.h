#pragma once
// Transport: the seam under the YubiKey OTP protocol. It moves exactly one 8-byte feature
// report per call, and returns within `timeout` (or fails). Implementations: hidapi (real keys),
// a Unix socket (a simulated key in another process), an in-process simulated key, and a
// scripted fake that replays recorded traces. Protocol logic never lives here.

#include <chrono>
#include <string>

#include "hwtotp/device/hid/report.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::device::hid {

class Transport {
  public:
    virtual ~Transport() = default;

    // SET_REPORT (feature). Failures (unplugged, I/O error, timeout) are ErrorCode::device.
    [[nodiscard]] virtual Result<void> send_report(const Report& report,
                                                   std::chrono::milliseconds timeout) = 0;
    // GET_REPORT (feature).
    [[nodiscard]] virtual Result<Report> receive_report(std::chrono::milliseconds timeout) = 0;

    // Where the reports go, for messages: "/dev/hidraw3", "unix:/tmp/yk.sock".
    [[nodiscard]] virtual std::string describe() const = 0;
};

}  // namespace hwtotp::device::hid
