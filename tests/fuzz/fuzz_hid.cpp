// YubiKey OTP HID decoding, both directions: never crashes, never hangs, and anything accepted
// is consistent.
//   byte 0 selects the side; the rest is a stream of 8-byte reports.
//   host side: the reports are what a (hostile or broken) device answers; OtpHost must end every
//     command with a value or an ErrorCode::device error, within its bounded (fake) time.
//   device side: the reports are what a host writes/reads; the simulated key must stay sane.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "hwtotp/device/hid/frame.h"
#include "hwtotp/device/hid/otp_host.h"
#include "hwtotp/device/hid/sim_yubikey.h"

namespace {

using namespace hwtotp::device::hid;

// Replays the input as device answers; accepts every write; fails when the input runs out.
class ReplayTransport final : public Transport {
  public:
    explicit ReplayTransport(std::span<const std::uint8_t> data) : data_(data) {}
    hwtotp::Result<void> send_report(const Report&, std::chrono::milliseconds) override {
        return {};
    }
    hwtotp::Result<Report> receive_report(std::chrono::milliseconds) override {
        if (data_.size() < sizeof(Report)) {
            return hwtotp::fail(hwtotp::ErrorCode::device, "end of input");
        }
        Report report{};
        std::copy_n(data_.begin(), report.size(), report.begin());
        data_ = data_.subspan(report.size());
        return report;
    }
    std::string describe() const override { return "fuzz"; }

  private:
    std::span<const std::uint8_t> data_;
};

void fuzz_host(std::span<const std::uint8_t> data) {
    FakeTicker ticker;
    ReplayTransport transport(data);
    OtpHost host(transport, ticker);
    auto serial = host.read_serial();
    auto code = host.totp(2, 59, 6);
    if ((!serial && serial.error().code != hwtotp::ErrorCode::device) ||
        (!code && code.error().code != hwtotp::ErrorCode::device)) {
        std::abort();
    }
    // Every wait is bounded: no input can keep the host polling for more than a minute.
    if (ticker.total_slept_ms() > 60'000)
        std::abort();
    // Response decoding straight from bytes.
    for (std::size_t expected : {std::size_t{4}, std::size_t{20}}) {
        auto decoded = decode_response(data, expected);
        if (decoded && decoded->size() != expected)
            std::abort();
    }
}

void fuzz_device(std::span<const std::uint8_t> data) {
    FakeTicker ticker;
    SimulatedYubiKey key(SimConfig{}, ticker);
    const std::array<std::uint8_t, 20> seed{1, 2, 3};
    key.set_slot(2, SimSlot{hwtotp::Secret(seed), (data.size() & 1) != 0});
    while (data.size() > sizeof(Report)) {
        const bool write = (data[0] & 1) != 0;
        ticker.advance(data[0] >> 1);
        Report report{};
        std::copy_n(data.begin() + 1, report.size(), report.begin());
        data = data.subspan(1 + report.size());
        if (write) {
            if (!key.set_feature(report))
                std::abort();
        } else {
            auto got = key.get_feature();
            if (!got)
                std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::span<const std::uint8_t> rest(data + 1, size - 1);
    if ((data[0] & 1) == 0) {
        fuzz_host(rest);
    } else {
        fuzz_device(rest);
    }
    return 0;
}
