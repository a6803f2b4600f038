#include "hwtotp/device/simulated_token.h"

#include "hwtotp/totp/steps.h"

namespace hwtotp::device {

Result<SimulatedToken> SimulatedToken::create(std::string serial, const Secret& seed, Params params,
                                              DriftModel drift) {
    if (seed.empty()) {
        return fail(ErrorCode::invalid_input, "the simulated token needs a non-empty seed");
    }
    HWTOTP_ASSIGN_OR_RETURN(auto key, OtpKey::create(seed, params.hash()));
    return SimulatedToken(std::move(serial), std::move(key), params, drift);
}

Result<std::uint64_t> SimulatedToken::token_step(std::int64_t real_time) const {
    const auto clock = drift_.exact_token_time(real_time);
    if (!clock) {
        return fail(ErrorCode::invalid_input,
                    "the token's clock is outside 64-bit Unix time at real time " +
                        std::to_string(real_time));
    }
    auto step = step_at(params_, *clock);
    if (!step) {
        return fail(ErrorCode::invalid_input,
                    "the token's clock is before its T0 at that time: " + step.error().message);
    }
    return *step;
}

Result<Code> SimulatedToken::press(std::int64_t real_time) const {
    HWTOTP_ASSIGN_OR_RETURN(auto step, token_step(real_time));
    return code_for_step(step);
}

Code SimulatedToken::code_for_step(std::uint64_t step) const {
    return key_.code(step, params_.digits());
}

}  // namespace hwtotp::device
