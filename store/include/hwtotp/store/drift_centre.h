#pragma once
// A token's offset history as the drift model reads it, and the window centre the verifier
// takes from it (docs/drift.md).
//
// Once a token has two or more observed offsets at distinct times, the verifier centres its
// window on the fitted offset at the time of the code instead of on the stored offset, moved
// from the stored offset by no more than max_drift_ppm of the time since the last observation
// allows: a bad fit must not swing the window away from the token.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "hwtotp/store/registry.h"
#include "hwtotp/store/token.h"
#include "hwtotp/totp/otpauth.h"
#include "hwtotp/totp/params.h"

namespace hwtotp::store {

// The fastest drift the verifier follows (DESIGN "Bound drift updates"): far above the tens of
// ppm real tokens show (Feitian c200 spec ±3 ppm), far below what a wrong prediction could need.
inline constexpr double max_drift_ppm = 100;

// The entries a drift fit can use, in their order: all but the import's, which carries the
// vendor's value stamped with the import time, not with when it was measured.
[[nodiscard]] std::vector<HistoryEntry> drift_observations(std::span<const HistoryEntry> history);

struct DriftCentre {
    std::int64_t centre_offset_steps = 0;     // what the window is centred on (bounded)
    std::int64_t predicted_offset_steps = 0;  // what the fit alone says
    double rate_ppm = 0;
    std::size_t observations = 0;
};

// The bounded centre at `now` from a TOTP token's history (all of it; imports are left out
// here). nullopt when fewer than two drift observations at distinct times at or after T0
// remain, or `now` is before T0.
[[nodiscard]] std::optional<DriftCentre> drift_centre(const Params& params,
                                                      std::int64_t stored_offset_steps,
                                                      std::span<const HistoryEntry> history,
                                                      std::int64_t now);

// A token's offsets as a drift fit sees them.
struct OffsetHistory {
    OtpType type = OtpType::totp;
    Params params = Params::standard();
    std::int64_t stored_offset_steps = 0;
    std::vector<HistoryEntry> observations;  // drift_observations of the history, oldest first
};

// not_found when the token is absent. An HOTP token has no clock: its observations are empty.
[[nodiscard]] Result<OffsetHistory> offset_history(Registry& registry, std::string_view serial);

}  // namespace hwtotp::store
