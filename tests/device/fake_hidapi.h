#pragma once
// A link-time fake of the hidapi calls hwtotp makes (spec §5, "a link-time fake of hidapi"):
// the test executable defines hid_init, hid_enumerate, hid_open_path, … itself, so the real
// HidapiTransport runs against simulated keys — report-ID byte, 9-byte buffers, −1 + hid_error,
// permission errors, several usages per path — with no hardware and no hidapi library code.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "hwtotp/device/hid/sim_yubikey.h"

namespace hwtotp::device::test {

struct FakeHidEntry {
    std::string path;
    std::uint16_t vendor_id = 0x1050;
    std::uint16_t product_id = 0x0407;
    std::uint16_t usage_page = 0x0001;
    std::uint16_t usage = 0x0006;
    int interface_number = 0;
};

// The fake's whole world. Tests reset it in SetUp; hidapi has global state too.
struct FakeHid {
    std::vector<FakeHidEntry> entries;                      // what hid_enumerate reports
    std::map<std::string, hid::SimulatedYubiKey*> devices;  // what hid_open_path opens
    std::set<std::string> denied;                           // paths that fail with EACCES
    int init_calls = 0;
    int exit_calls = 0;
    int open_handles = 0;
    std::vector<std::string> violations;  // buffers that were not 9 bytes with report ID 0

    void reset() { *this = FakeHid{}; }
};

FakeHid& fake_hid();

}  // namespace hwtotp::device::test
