#pragma once
// The drift model: a token's clock offset grows linearly with time (a crystal that runs a
// constant few ppm fast or slow), so offsets observed at resyncs fit a straight line whose
// slope is the drift rate. See docs/drift.md.
//
// Observations are quantised: a resync tells which step the token was in, not the exact
// offset, so each observation is the midpoint of the interval of offsets consistent with the
// step, with an uncertainty of ±period/2. Pure: times come in as Unix seconds.

#include <cstdint>
#include <optional>
#include <span>

#include "hwtotp/totp/error.h"
#include "hwtotp/totp/params.h"

namespace hwtotp {

struct OffsetObservation {
    std::int64_t time = 0;          // Unix seconds of the observation
    double offset_seconds = 0;      // token clock - true time
    double half_width_seconds = 0;  // the offset lies within ±this (quantisation)
};

// A resync at Unix time `time` found the token in step current_step(time) + offset_steps: its
// clock offset lies in [k·P - φ, (k+1)·P - φ) where φ = time's position in its step. Returns
// the midpoint with half-width P/2. `time` must be >= T0.
[[nodiscard]] OffsetObservation observation_from_steps(const Params& params, std::int64_t time,
                                                       std::int64_t offset_steps);

struct DriftFit {
    std::size_t observations = 0;
    std::int64_t reference_time = 0;  // mean observation time: the fit's intercept is here
    double offset_at_reference = 0;   // seconds
    double rate_ppm = 0;              // drift rate: +ppm means the token gains time
    // One standard error of the rate: the larger of the residual scatter (with 3+ points) and
    // the quantisation (uniform over ±P/2: σ = P/√12 per observation), propagated to the slope.
    double rate_stderr_ppm = 0;
    // Worst case from quantisation alone: every observation off by its full half-width.
    double rate_bound_ppm = 0;
    double residual_rms_seconds = 0;
    // One standard error of the fitted offset at the reference time (σ/√n).
    double offset_stderr_at_reference = 0;
    std::int64_t first_time = 0;
    std::int64_t last_time = 0;

    // The fitted offset (seconds) at Unix time t.
    [[nodiscard]] double offset_at(std::int64_t t) const;
    // Its standard error: intercept and slope errors combined (independent at the mean time).
    [[nodiscard]] double offset_stderr_at(std::int64_t t) const;
};

// Least-squares line through the observations (ordinary least squares: the half-widths of a
// token's observations are all ±P/2). Needs at least two distinct times.
[[nodiscard]] Result<DriftFit> fit_drift(std::span<const OffsetObservation> observations);

// The offset in whole steps a verifier at Unix time t sees for a token whose clock is off by
// `offset_seconds`: step(t + offset) - step(t). t must be >= T0.
[[nodiscard]] std::int64_t offset_steps_at(const Params& params, std::int64_t t,
                                           double offset_seconds);

struct WindowExit {
    enum class Kind { inside_forever, leaves, already_outside };
    Kind kind = Kind::inside_forever;
    std::int64_t time = 0;  // leaves: when, at the fitted rate
    // leaves: the line moved 2σ towards the edge (offset and rate errors combined).
    std::int64_t earliest = 0;
    // leaves: the line moved 2σ away from the edge; nullopt when it then never reaches it.
    std::optional<std::int64_t> latest;
};

// When the fitted offset first strays more than radius·P seconds from `centre_seconds` (the
// offset a verifier is centred on: 0 for one that assumes no drift, the stored offset × P
// for one that tracks it), looking from `from`. From then on some codes fall outside a
// ±radius-step window, depending on where in its step the token is.
[[nodiscard]] WindowExit predict_window_exit(const DriftFit& fit, std::int64_t period,
                                             std::uint64_t radius, double centre_seconds,
                                             std::int64_t from);

}  // namespace hwtotp
