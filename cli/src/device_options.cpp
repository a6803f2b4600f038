#include "device_options.h"

#include <ostream>

namespace hwtotp::cli {

void add_device_option(CLI::App& command, std::string& device) {
    command
        .add_option("--device", device,
                    "A hidraw path (/dev/hidraw3), unix:PATH for a simulated key, or omitted "
                    "when exactly one key is plugged in")
        ->type_name("D");
}

Result<std::unique_ptr<DeviceSession>> open_session(const std::string& device, Context& ctx) {
    auto opened = device::hid::open_device(device);
    if (!opened) {
        return tl::unexpected(opened.error());
    }
    auto session = std::make_unique<DeviceSession>();
    session->opened = std::move(*opened);
    // On a terminal the countdown is rewritten in place; elsewhere one line per touch wait (a
    // new wait shows when the countdown jumps back up), so logs stay short.
    auto prompt = [&ctx, last = -1](int seconds_left) mutable {
        if (ctx.stderr_is_terminal) {
            ctx.err << "\rhwtotp: touch your key (" << seconds_left << " s left) " << std::flush;
        } else if (last < 0 || seconds_left > last) {
            ctx.err << "hwtotp: touch your key (" << seconds_left << " s left)" << std::endl;
        }
        last = seconds_left;
    };
    session->host = std::make_unique<device::hid::OtpHost>(
        *session->opened.transport, session->ticker, device::hid::Timeouts{}, prompt);
    return session;
}

}  // namespace hwtotp::cli
