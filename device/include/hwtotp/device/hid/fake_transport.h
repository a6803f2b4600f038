#pragma once
// Transports for tests: one wired straight to a SimulatedYubiKey in the same process, and one
// that replays a recorded trace and fails on the first report that differs from it.

#include <cstddef>
#include <string>
#include <vector>

#include "hwtotp/device/hid/sim_yubikey.h"
#include "hwtotp/device/hid/transport.h"

namespace hwtotp::device::hid {

class InProcessTransport final : public Transport {
  public:
    explicit InProcessTransport(SimulatedYubiKey& device) : device_(device) {}
    [[nodiscard]] Result<void> send_report(const Report& report,
                                           std::chrono::milliseconds timeout) override;
    [[nodiscard]] Result<Report> receive_report(std::chrono::milliseconds timeout) override;
    [[nodiscard]] std::string describe() const override { return "in-process simulated key"; }

    // Every report that crossed, in order (for byte-for-byte checks of what the host sent).
    struct Exchange {
        bool write;  // true: host → device (SET); false: device → host (GET)
        Report report;
    };
    [[nodiscard]] const std::vector<Exchange>& log() const { return log_; }

  private:
    SimulatedYubiKey& device_;
    std::vector<Exchange> log_;
};

// Replays a trace: each step is a read (the report to return) or a write (the report the host
// must send). A host that deviates gets ErrorCode::internal naming the step, and mismatch() says
// what differed.
class ScriptedTransport final : public Transport {
  public:
    using Step = InProcessTransport::Exchange;

    explicit ScriptedTransport(std::vector<Step> script) : script_(std::move(script)) {}
    // Parses the trace notation of the spec: lines "R xx xx …" / "W xx xx …" (8 hex bytes);
    // anything after the 8th byte is a comment. Aborts on malformed lines (test data).
    [[nodiscard]] static ScriptedTransport from_trace(const std::string& trace);

    [[nodiscard]] Result<void> send_report(const Report& report,
                                           std::chrono::milliseconds timeout) override;
    [[nodiscard]] Result<Report> receive_report(std::chrono::milliseconds timeout) override;
    [[nodiscard]] std::string describe() const override { return "scripted trace"; }

    [[nodiscard]] bool finished() const { return next_ == script_.size(); }
    [[nodiscard]] const std::string& mismatch() const { return mismatch_; }

  private:
    std::vector<Step> script_;
    std::size_t next_ = 0;
    std::string mismatch_;
};

}  // namespace hwtotp::device::hid
