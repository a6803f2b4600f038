#pragma once
// Shared fixtures: the RFC 4226/6238 SHA-1 seed and a simulated key set up like the one that
// produced the spec's traces (serial 12345678, firmware 5.4.3, slot 2 = RFC seed).

#include <cstdint>
#include <string_view>
#include <vector>

#include "hwtotp/device/hid/fake_transport.h"
#include "hwtotp/device/hid/otp_host.h"
#include "hwtotp/device/hid/report.h"
#include "hwtotp/device/hid/sim_yubikey.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::device::test {

inline Secret rfc_seed() {
    constexpr std::string_view ascii = "12345678901234567890";
    std::vector<std::uint8_t> bytes(ascii.begin(), ascii.end());
    return Secret(bytes);
}

inline hid::SimConfig trace_config() {
    hid::SimConfig config;
    config.serial = 12345678;
    config.firmware = {5, 4, 3};
    return config;
}

inline void configure_trace_slots(hid::SimulatedYubiKey& key, bool touch = false) {
    key.set_slot(2, hid::SimSlot{rfc_seed(), touch});
}

// A simulated key wired to a host in process, on one FakeTicker: nothing sleeps.
struct InProcessRig {
    explicit InProcessRig(hid::SimConfig config = trace_config(), bool touch = false,
                          hid::TouchPrompt prompt = {})
        : key(config, ticker), transport(key), host(transport, ticker, hid::Timeouts{}, prompt) {
        configure_trace_slots(key, touch);
    }
    InProcessRig(const InProcessRig&) = delete;
    InProcessRig& operator=(const InProcessRig&) = delete;

    hid::FakeTicker ticker;
    hid::SimulatedYubiKey key;
    hid::InProcessTransport transport;
    hid::OtpHost host;
};

}  // namespace hwtotp::device::test
