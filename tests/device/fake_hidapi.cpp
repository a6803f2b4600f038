// Definitions of the hidapi functions hwtotp calls, backed by FakeHid (see fake_hidapi.h).
#include "fake_hidapi.h"

#include <hidapi/hidapi.h>

#include <algorithm>
#include <cstring>

struct hid_device_ {
    hwtotp::device::hid::SimulatedYubiKey* key;
    std::wstring error;
};

namespace hwtotp::device::test {

FakeHid& fake_hid() {
    static FakeHid world;
    return world;
}

namespace {

std::wstring global_error;

wchar_t* wide_copy(const std::wstring& text) {
    auto* out = new wchar_t[text.size() + 1];
    std::copy(text.begin(), text.end(), out);
    out[text.size()] = L'\0';
    return out;
}

std::wstring widen(const std::string& text) {
    return std::wstring(text.begin(), text.end());
}

void check_buffer(const unsigned char* data, size_t length, const char* call) {
    if (length != 9 || data[0] != 0) {
        fake_hid().violations.push_back(std::string(call) + ": length " + std::to_string(length) +
                                        ", report id " + std::to_string(data[0]));
    }
}

}  // namespace
}  // namespace hwtotp::device::test

using hwtotp::device::test::fake_hid;

extern "C" {

int hid_init(void) {
    ++fake_hid().init_calls;
    return 0;
}

int hid_exit(void) {
    ++fake_hid().exit_calls;
    return 0;
}

struct hid_device_info* hid_enumerate(unsigned short vendor_id, unsigned short product_id) {
    hid_device_info* head = nullptr;
    hid_device_info** tail = &head;
    for (const auto& e : fake_hid().entries) {
        if ((vendor_id != 0 && e.vendor_id != vendor_id) ||
            (product_id != 0 && e.product_id != product_id)) {
            continue;
        }
        auto* info = new hid_device_info{};
        info->path = new char[e.path.size() + 1];
        std::strcpy(info->path, e.path.c_str());
        info->vendor_id = e.vendor_id;
        info->product_id = e.product_id;
        info->serial_number = hwtotp::device::test::wide_copy(L"");
        info->manufacturer_string = hwtotp::device::test::wide_copy(L"Yubico");
        info->product_string = hwtotp::device::test::wide_copy(L"YubiKey OTP+FIDO+CCID");
        info->usage_page = e.usage_page;
        info->usage = e.usage;
        info->interface_number = e.interface_number;
        info->bus_type = HID_API_BUS_USB;
        *tail = info;
        tail = &info->next;
    }
    return head;
}

void hid_free_enumeration(struct hid_device_info* devs) {
    while (devs != nullptr) {
        hid_device_info* next = devs->next;
        delete[] devs->path;
        delete[] devs->serial_number;
        delete[] devs->manufacturer_string;
        delete[] devs->product_string;
        delete devs;
        devs = next;
    }
}

hid_device* hid_open_path(const char* path) {
    using hwtotp::device::test::widen;
    auto& world = fake_hid();
    const std::string p = path;
    const std::string prefix = "Failed to open a device with path '" + p + "': ";
    if (world.denied.count(p) != 0) {
        hwtotp::device::test::global_error = widen(prefix + "Permission denied");
        return nullptr;
    }
    const auto found = world.devices.find(p);
    if (found == world.devices.end()) {
        hwtotp::device::test::global_error = widen(prefix + "No such file or directory");
        return nullptr;
    }
    ++world.open_handles;
    return new hid_device_{found->second, {}};
}

void hid_close(hid_device* dev) {
    --fake_hid().open_handles;
    delete dev;
}

int hid_send_feature_report(hid_device* dev, const unsigned char* data, size_t length) {
    hwtotp::device::test::check_buffer(data, length, "hid_send_feature_report");
    hwtotp::device::hid::Report report{};
    std::copy_n(data + 1, report.size(), report.begin());
    auto sent = dev->key->set_feature(report);
    if (!sent) {
        dev->error = L"ioctl (SFEATURE): No such device";
        return -1;
    }
    return static_cast<int>(length);
}

int hid_get_feature_report(hid_device* dev, unsigned char* data, size_t length) {
    hwtotp::device::test::check_buffer(data, length, "hid_get_feature_report");
    auto got = dev->key->get_feature();
    if (!got) {
        dev->error = L"ioctl (GFEATURE): No such device";
        return -1;
    }
    std::copy(got->begin(), got->end(), data + 1);
    return 9;  // hidraw counts the report ID byte
}

const wchar_t* hid_error(hid_device* dev) {
    if (dev == nullptr) {
        return hwtotp::device::test::global_error.c_str();
    }
    return dev->error.c_str();
}

}  // extern "C"
