// The only file that includes hidapi. Everything hidapi-specific — the 9-byte buffers with
// report ID 0, hid_init/hid_exit, wide strings, hid_error — stays here.
#include "hwtotp/device/hid/hidapi_transport.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cwchar>
#include <mutex>
#include <set>

#include <hidapi/hidapi.h>
#include <unistd.h>

namespace hwtotp::device::hid {
namespace {

constexpr std::size_t hidapi_buffer_size = 1 + sizeof(Report);  // report ID 0 + 8 bytes

std::string narrow(const wchar_t* text) {
    std::string out;
    if (text == nullptr)
        return out;
    for (; *text != L'\0'; ++text) {
        const auto c = static_cast<std::uint32_t>(*text);
        out += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
    }
    return out;
}

std::string error_text(hid_device* device) {
    return narrow(hid_error(device));
}

class HidapiTransport final : public Transport {
  public:
    HidapiTransport(hid_device* device, std::string path)
        : device_(device), path_(std::move(path)) {}
    ~HidapiTransport() override { hid_close(device_); }
    HidapiTransport(const HidapiTransport&) = delete;
    HidapiTransport& operator=(const HidapiTransport&) = delete;

    // hidraw feature-report ioctls have no timeout parameter: the kernel bounds each control
    // transfer (USB_CTRL_SET_TIMEOUT, 5 s), which is the bound these calls inherit.
    Result<void> send_report(const Report& report, std::chrono::milliseconds) override {
        std::array<unsigned char, hidapi_buffer_size> buffer{};
        std::copy(report.begin(), report.end(), buffer.begin() + 1);
        std::lock_guard lock(mutex_);
        const int n = hid_send_feature_report(device_, buffer.data(), buffer.size());
        if (n < static_cast<int>(sizeof(Report))) {
            return fail(ErrorCode::device, error_text(device_));
        }
        return {};
    }

    Result<Report> receive_report(std::chrono::milliseconds) override {
        std::array<unsigned char, hidapi_buffer_size> buffer{};  // buffer[0] = report ID 0
        std::lock_guard lock(mutex_);
        const int n = hid_get_feature_report(device_, buffer.data(), buffer.size());
        // 9 is usual (the ID byte counts); accept 8 too, as the spec advises.
        if (n < static_cast<int>(sizeof(Report))) {
            return fail(ErrorCode::device, n < 0 ? error_text(device_) : "short feature report");
        }
        Report report{};
        std::copy_n(buffer.begin() + 1, report.size(), report.begin());
        return report;
    }

    std::string describe() const override { return path_; }

  private:
    hid_device* device_;
    std::string path_;
    std::mutex mutex_;  // hidapi handles are not thread-safe
};

}  // namespace

Result<std::unique_ptr<HidApi>> HidApi::init() {
    if (hid_init() != 0) {
        return fail(ErrorCode::device, "hidapi could not start: " + error_text(nullptr));
    }
    return std::unique_ptr<HidApi>(new HidApi());
}

HidApi::~HidApi() {
    hid_exit();
}

std::vector<HidDeviceInfo> HidApi::enumerate_otp() const {
    std::vector<HidDeviceInfo> found;
    std::set<std::string> paths;
    hid_device_info* list = hid_enumerate(yubico_vendor_id, 0);
    for (const hid_device_info* info = list; info != nullptr; info = info->next) {
        // hidraw lists one entry per top-level usage; the OTP application is the keyboard one.
        if (info->usage_page != otp_usage_page || info->usage != otp_usage)
            continue;
        if (info->path == nullptr || !paths.insert(info->path).second)
            continue;
        HidDeviceInfo entry;
        entry.path = info->path;
        entry.vendor_id = info->vendor_id;
        entry.product_id = info->product_id;
        entry.manufacturer = narrow(info->manufacturer_string);
        entry.product = narrow(info->product_string);
        entry.usb_serial = narrow(info->serial_number);
        entry.interface_number = info->interface_number;
        found.push_back(std::move(entry));
    }
    hid_free_enumeration(list);
    return found;
}

OpenResult<std::unique_ptr<Transport>> HidApi::open(const std::string& path) const {
    hid_device* device = hid_open_path(path.c_str());
    if (device == nullptr) {
        // hidraw's message is "Failed to open a device with path '…': <strerror>"; access()
        // covers backends whose hid_error says less.
        const std::string why = error_text(nullptr);
        const bool denied = why.find("Permission denied") != std::string::npos ||
                            (::access(path.c_str(), R_OK | W_OK) != 0 && errno == EACCES);
        if (denied) {
            return fail_open(OpenProblem::other, ErrorCode::device,
                             "permission denied opening " + path + "; " + udev_rule_hint());
        }
        if (why.find("No such file") != std::string::npos || ::access(path.c_str(), F_OK) != 0) {
            return fail_open(OpenProblem::no_such_device, ErrorCode::device,
                             "no device at " + path + " (unplugged?)");
        }
        return fail_open(OpenProblem::other, ErrorCode::device, "cannot open " + path + ": " + why);
    }
    return std::unique_ptr<Transport>(new HidapiTransport(device, path));
}

std::string udev_rule_hint() {
    return "install a udev rule such as /etc/udev/rules.d/69-hwtotp-yubikey.rules containing "
           "`KERNEL==\"hidraw*\", SUBSYSTEM==\"hidraw\", ATTRS{idVendor}==\"1050\", "
           "TAG+=\"uaccess\"` (add GROUP=\"plugdev\", MODE=\"0660\" for SSH sessions), then run "
           "`sudo udevadm control --reload-rules && sudo udevadm trigger` and replug the key";
}

}  // namespace hwtotp::device::hid
