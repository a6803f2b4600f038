#include "hwtotp/totp/drift_analysis.h"

#include <algorithm>
#include <string>

namespace hwtotp {

Result<DriftAnalysis> analyse_drift(DriftQuery query) {
    const Params& params = query.params;
    if (query.now < params.t0()) {
        return fail(ErrorCode::invalid_input,
                    "the prediction time is before T0 = " + std::to_string(params.t0()));
    }
    DriftAnalysis analysis;
    analysis.offsets = std::move(query.offsets);
    std::stable_sort(analysis.offsets.begin(), analysis.offsets.end(),
                     [](const auto& a, const auto& b) { return a.time < b.time; });
    for (const auto& o : analysis.offsets) {
        if (o.time < params.t0()) {
            return fail(ErrorCode::invalid_input,
                        "an offset observed at " + std::to_string(o.time) +
                            " is before T0 = " + std::to_string(params.t0()));
        }
        analysis.observations.push_back(observation_from_steps(params, o.time, o.offset_steps));
    }
    HWTOTP_ASSIGN_OR_RETURN(analysis.fit, fit_drift(analysis.observations));
    analysis.offset_now_seconds = analysis.fit.offset_at(query.now);
    analysis.offset_now_steps = offset_steps_at(params, query.now, analysis.offset_now_seconds);

    analysis.window_centre_steps =
        query.window_centre_steps.value_or(analysis.offsets.back().offset_steps);
    const auto period = params.period();
    const double centre =
        static_cast<double>(analysis.window_centre_steps) * static_cast<double>(period);
    std::vector<std::uint64_t> radii{1};
    if (query.radius > 1)
        radii.push_back(query.radius);
    for (const auto radius : radii) {
        analysis.windows.push_back(
            {radius, predict_window_exit(analysis.fit, period, radius, centre, query.now)});
    }
    return analysis;
}

}  // namespace hwtotp
