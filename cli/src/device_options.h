#pragma once
// What the `device` subcommands share: the --device option, opening the key it names, and
// the touch prompt.

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "context.h"
#include "hwtotp/device/hid/open_device.h"
#include "hwtotp/device/hid/otp_host.h"
#include "hwtotp/device/hid/ticker.h"

namespace hwtotp::cli {

void add_device_option(CLI::App& command, std::string& device);

// An opened key with a host driver on the real clock, prompting on ctx.err for touches.
struct DeviceSession {
    device::hid::OpenedDevice opened;
    device::hid::SteadyTicker ticker;
    std::unique_ptr<device::hid::OtpHost> host;
};

[[nodiscard]] Result<std::unique_ptr<DeviceSession>> open_session(const std::string& device,
                                                                  Context& ctx);

}  // namespace hwtotp::cli
