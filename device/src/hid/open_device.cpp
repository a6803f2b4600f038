#include "hwtotp/device/hid/open_device.h"

#include <filesystem>

#include <unistd.h>

#include "hwtotp/device/hid/socket_transport.h"

namespace hwtotp::device::hid {
namespace {

constexpr std::string_view unix_prefix = "unix:";

}  // namespace

std::string explain_no_device() {
    std::error_code ec;
    int nodes = 0;
    int unreadable = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/dev", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("hidraw", 0) != 0)
            continue;
        ++nodes;
        if (::access(entry.path().c_str(), R_OK | W_OK) != 0)
            ++unreadable;
    }
    if (nodes == 0) {
        return "no HID token found: there are no /dev/hidraw* devices on this machine (plug in a "
               "key; in a container, pass the hidraw device through)";
    }
    std::string text =
        "no YubiKey OTP interface found among " + std::to_string(nodes) + " /dev/hidraw* device(s)";
    if (unreadable > 0) {
        text += "; " + std::to_string(unreadable) + " of them cannot be opened by this user (" +
                udev_rule_hint() + ")";
    }
    return text;
}

OpenResult<OpenedDevice> open_device(const std::string& spec, Ticker& ticker) {
    OpenedDevice opened;
    if (spec.rfind(unix_prefix, 0) == 0) {
        auto socket = SocketTransport::connect(spec.substr(unix_prefix.size()), ticker);
        if (!socket) {
            return tl::unexpected(socket.error());
        }
        opened.transport = std::move(*socket);
        return opened;
    }
    auto api = HidApi::init();
    if (!api) {
        return tl::unexpected(OpenError{OpenProblem::other, api.error()});
    }
    std::string path = spec;
    if (path.empty()) {
        const auto devices = (*api)->enumerate_otp();
        if (devices.empty()) {
            return fail_open(OpenProblem::no_key, ErrorCode::device, explain_no_device());
        }
        if (devices.size() > 1) {
            std::string list;
            for (const auto& d : devices)
                list += (list.empty() ? "" : ", ") + d.path;
            return fail_open(
                OpenProblem::several_keys, ErrorCode::device,
                std::to_string(devices.size()) + " keys are plugged in (" + list + ")");
        }
        path = devices.front().path;
    }
    auto transport = (*api)->open(path);
    if (!transport) {
        return tl::unexpected(transport.error());
    }
    opened.hidapi = std::move(*api);
    opened.transport = std::move(*transport);
    return opened;
}

}  // namespace hwtotp::device::hid
