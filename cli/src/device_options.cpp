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

namespace {

// The device library says what went wrong; the advice that names this program's options and
// commands is added here.
Error with_cli_advice(device::hid::OpenError failure, const std::string& device) {
    using device::hid::OpenProblem;
    Error error = std::move(failure.error);
    switch (failure.problem) {
        case OpenProblem::no_key:
            error.message += "; or use --device unix:PATH for a simulated key";
            break;
        case OpenProblem::several_keys:
            error.message += "; choose one with --device PATH";
            break;
        case OpenProblem::no_such_device:
            error.message += "; run `hwtotp device list`";
            break;
        case OpenProblem::nothing_listening:
            error.message += "; start one with `hwtotp simulate --hid-socket " +
                             device.substr(std::string_view("unix:").size()) + " KEY`";
            break;
        case OpenProblem::other:
            if (error.code == ErrorCode::invalid_input)
                return with_context("--device " + device + ": ", std::move(error));
            break;
    }
    return error;
}

}  // namespace

Result<std::unique_ptr<DeviceSession>> open_session(const std::string& device, Context& ctx) {
    auto session = std::make_unique<DeviceSession>();
    auto opened = device::hid::open_device(device, session->ticker);
    if (!opened) {
        return tl::unexpected(with_cli_advice(std::move(opened.error()), device));
    }
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
