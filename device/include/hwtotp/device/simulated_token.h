#pragma once
// A simulated display token: a key fob with a seed, a button and a crystal that drifts.
//
// press(t) returns what the display shows when the button is pressed at real time t: the code
// for the token's own (drifted) time. Deterministic, so tests and `hwtotp simulate` agree.

#include <cstdint>
#include <optional>
#include <string>

#include "hwtotp/device/clock.h"
#include "hwtotp/device/token.h"
#include "hwtotp/totp/otp_key.h"
#include "hwtotp/totp/params.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::device {

class SimulatedToken final : public Token {
  public:
    // Fails on an empty seed.
    [[nodiscard]] static Result<SimulatedToken> create(std::string serial, const Secret& seed,
                                                       Params params, DriftModel drift);

    [[nodiscard]] std::string serial() const override { return serial_; }
    [[nodiscard]] std::string model() const override { return "simulated display token"; }
    [[nodiscard]] std::string vendor() const override { return "hwtotp"; }
    [[nodiscard]] std::optional<Params> params() const override { return params_; }
    [[nodiscard]] Result<Code> code_at(std::int64_t real_time) override { return press(real_time); }

    // The code displayed at real time `real_time`. Fails when the token's time is before T0 or
    // outside 64-bit time (DriftModel::valid_offsets says which offsets avoid both).
    [[nodiscard]] Result<Code> press(std::int64_t real_time) const;
    // The token's own time and step at real time `real_time`.
    [[nodiscard]] std::int64_t token_time(std::int64_t real_time) const {
        return drift_.token_time(real_time);
    }
    [[nodiscard]] Result<std::uint64_t> token_step(std::int64_t real_time) const;
    // The code for an explicit token step (for "the next code" without waiting).
    [[nodiscard]] Code code_for_step(std::uint64_t step) const;
    [[nodiscard]] const DriftModel& drift() const { return drift_; }

  private:
    SimulatedToken(std::string serial, OtpKey key, Params params, DriftModel drift)
        : serial_(std::move(serial)), key_(std::move(key)), params_(params), drift_(drift) {}

    std::string serial_;
    OtpKey key_;
    Params params_;
    DriftModel drift_;
};

}  // namespace hwtotp::device
