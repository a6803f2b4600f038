#pragma once
// A token's drift, whole: its observed offsets fitted to a rate, the offset predicted now, and
// when it leaves a verifier's window. What `hwtotp drift` reports, for any front end.

#include <cstdint>
#include <optional>
#include <vector>

#include "hwtotp/totp/drift.h"
#include "hwtotp/totp/error.h"
#include "hwtotp/totp/params.h"

namespace hwtotp {

// An offset a resync (or an accepted code) found: the token was offset_steps whole steps from
// the verifier's clock at Unix time `time`.
struct ObservedOffset {
    std::int64_t time = 0;
    std::int64_t offset_steps = 0;
};

struct DriftQuery {
    Params params = Params::standard();
    std::vector<ObservedOffset> offsets;  // any order; at least two distinct times
    // The offset the verifier's window is centred on now (a registry's stored offset); by
    // default the latest offset observed, where a verifier that follows resyncs has put it.
    std::optional<std::int64_t> window_centre_steps;
    // Besides ±1 step (always predicted), also predict for ±radius steps when radius > 1.
    std::uint64_t radius = 1;
    std::int64_t now = 0;  // predict from here; >= T0
};

struct WindowPrediction {
    std::uint64_t radius = 1;
    WindowExit exit;
};

struct DriftAnalysis {
    // One per offset, in time order (stable for equal times), quantisation made explicit.
    std::vector<ObservedOffset> offsets;
    std::vector<OffsetObservation> observations;
    DriftFit fit;
    std::int64_t window_centre_steps = 0;   // the centre the predictions used
    double offset_now_seconds = 0;          // the fitted offset at `now`
    std::int64_t offset_now_steps = 0;      // as a verifier at `now` sees it
    std::vector<WindowPrediction> windows;  // ±1 first, then ±radius when radius > 1
};

// Fits and predicts. Fails (invalid_input) with fewer than two distinct times, an offset
// before T0, or `now` before T0.
[[nodiscard]] Result<DriftAnalysis> analyse_drift(DriftQuery query);

}  // namespace hwtotp
