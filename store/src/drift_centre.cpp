// The drift-predicted window centre, bounded by max_drift_ppm since the last observation.

#include "hwtotp/store/drift_centre.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "hwtotp/totp/drift.h"
#include "saturating.h"

namespace hwtotp::store {

std::vector<HistoryEntry> drift_observations(std::span<const HistoryEntry> history) {
    std::vector<HistoryEntry> entries;
    entries.reserve(history.size());
    for (const auto& e : history) {
        if (e.how != ObservedBy::import)
            entries.push_back(e);
    }
    return entries;
}

std::optional<DriftCentre> drift_centre(const Params& params, std::int64_t stored_offset_steps,
                                        std::span<const HistoryEntry> history, std::int64_t now) {
    std::vector<OffsetObservation> observations;
    std::int64_t last_time = std::numeric_limits<std::int64_t>::min();
    for (const auto& e : drift_observations(history)) {
        if (e.at < params.t0())
            continue;
        observations.push_back(observation_from_steps(params, e.at, e.offset_steps));
        last_time = std::max(last_time, e.at);
    }
    auto fit = fit_drift(observations);
    if (!fit || now < params.t0())
        return std::nullopt;  // fewer than two distinct times: no prediction

    const std::int64_t predicted = offset_steps_at(params, now, fit->offset_at(now));
    // Never further from the stored offset than max_drift_ppm allows since the last
    // observation. In doubles: now - last_time may not fit an int64, and the bound (at most
    // 1e-4 of 2^64 seconds) always fits one.
    const double elapsed = std::max(0.0, static_cast<double>(now) - static_cast<double>(last_time));
    const auto max_move = static_cast<std::int64_t>(
        std::ceil(max_drift_ppm * 1e-6 * elapsed / static_cast<double>(params.period())));
    DriftCentre c;
    c.predicted_offset_steps = predicted;
    c.centre_offset_steps = std::clamp(predicted, saturating_sub(stored_offset_steps, max_move),
                                       saturating_add(stored_offset_steps, max_move));
    c.rate_ppm = fit->rate_ppm;
    c.observations = fit->observations;
    return c;
}

Result<OffsetHistory> offset_history(Registry& registry, std::string_view serial) {
    HWTOTP_ASSIGN_OR_RETURN(const auto info, registry.info(serial));
    OffsetHistory h;
    h.type = info.description.type;
    h.params = info.description.params;
    h.stored_offset_steps = info.state.offset_steps;
    if (h.type != OtpType::totp)
        return h;
    HWTOTP_ASSIGN_OR_RETURN(const auto history, registry.history(serial));
    h.observations = drift_observations(history);
    return h;
}

}  // namespace hwtotp::store
