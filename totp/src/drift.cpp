#include "hwtotp/totp/drift.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "hwtotp/totp/steps.h"

namespace hwtotp {
namespace {

constexpr double ppm = 1e6;

// A time in seconds as a whole Unix second, kept far from the int64 limits.
std::int64_t whole_seconds(double t, bool floor) {
    constexpr double lo = static_cast<double>(std::numeric_limits<std::int64_t>::min() / 2);
    constexpr double hi = static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2);
    return static_cast<std::int64_t>(std::clamp(floor ? std::floor(t) : std::round(t), lo, hi));
}
// Predictions are rounded (a tenth of a microsecond must not move them a second earlier);
// the instant a token's clock shows is floored, as steps are.
std::int64_t clamp_time(double t) {
    return whole_seconds(t, false);
}

}  // namespace

OffsetObservation observation_from_steps(const Params& params, std::int64_t time,
                                         std::int64_t offset_steps) {
    const auto period = static_cast<double>(params.period());
    const std::int64_t phase = params.period() - seconds_left_in_step(params, time);
    return OffsetObservation{
        time, static_cast<double>(offset_steps) * period + period / 2 - static_cast<double>(phase),
        period / 2};
}

double DriftFit::offset_at(std::int64_t t) const {
    return offset_at_reference + rate_ppm / ppm * static_cast<double>(t - reference_time);
}

double DriftFit::offset_stderr_at(std::int64_t t) const {
    const double rate_part = rate_stderr_ppm / ppm * static_cast<double>(t - reference_time);
    return std::sqrt(offset_stderr_at_reference * offset_stderr_at_reference +
                     rate_part * rate_part);
}

Result<DriftFit> fit_drift(std::span<const OffsetObservation> obs) {
    if (obs.size() < 2) {
        return fail(ErrorCode::invalid_input,
                    "a drift rate needs at least two offset observations (resyncs) at different "
                    "times");
    }
    // Work relative to the first time so that the sums stay exact in double precision.
    const std::int64_t base = obs.front().time;
    double mean_t = 0;
    double mean_y = 0;
    double half_width = 0;
    for (const auto& o : obs) {
        mean_t += static_cast<double>(o.time - base);
        mean_y += o.offset_seconds;
        half_width = std::max(half_width, o.half_width_seconds);
    }
    const auto n = static_cast<double>(obs.size());
    mean_t /= n;
    mean_y /= n;
    double sxx = 0;
    double sxy = 0;
    for (const auto& o : obs) {
        const double dt = static_cast<double>(o.time - base) - mean_t;
        sxx += dt * dt;
        sxy += dt * (o.offset_seconds - mean_y);
    }
    if (sxx <= 0) {
        return fail(ErrorCode::invalid_input,
                    "all offset observations are at the same time: a drift rate needs two "
                    "resyncs at different times");
    }
    DriftFit fit;
    fit.observations = obs.size();
    const double slope = sxy / sxx;
    // The reference time is the mean, rounded to a whole second; recentre the intercept on it.
    fit.reference_time = base + static_cast<std::int64_t>(std::llround(mean_t));
    fit.offset_at_reference =
        mean_y + slope * (static_cast<double>(fit.reference_time - base) - mean_t);
    fit.rate_ppm = slope * ppm;

    double rss = 0;
    for (const auto& o : obs) {
        const double r = o.offset_seconds - fit.offset_at(o.time);
        rss += r * r;
    }
    fit.residual_rms_seconds = std::sqrt(rss / n);
    // A uniform error over ±h has σ = h/√3 (= P/√12 for h = P/2). With three or more points
    // the residuals measure the scatter; take the larger so two points still get an error.
    const double sigma_quantisation = half_width / std::sqrt(3.0);
    const double sigma_residual = obs.size() > 2 ? std::sqrt(rss / (n - 2)) : 0;
    const double sigma = std::max(sigma_quantisation, sigma_residual);
    fit.rate_stderr_ppm = sigma / std::sqrt(sxx) * ppm;
    fit.offset_stderr_at_reference = sigma / std::sqrt(n);
    // Worst case: each observation off by ±h in the direction that tilts the line most,
    // i.e. h·Σ|dt|/Sxx.
    double sum_abs_dt = 0;
    for (const auto& o : obs)
        sum_abs_dt += std::fabs(static_cast<double>(o.time - base) - mean_t);
    fit.rate_bound_ppm = half_width * sum_abs_dt / sxx * ppm;

    const auto [lo, hi] = std::minmax_element(
        obs.begin(), obs.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
    fit.first_time = lo->time;
    fit.last_time = hi->time;
    return fit;
}

std::int64_t offset_steps_at(const Params& params, std::int64_t t, double offset_seconds) {
    const auto shifted = whole_seconds(static_cast<double>(t) + offset_seconds, true);
    const auto now = step_at(params, t);
    const auto token = step_at(params, std::max(shifted, params.t0()));
    if (!now || !token)
        return 0;
    return step_diff(*token, *now);
}

WindowExit predict_window_exit(const DriftFit& fit, std::int64_t period, std::uint64_t radius,
                               double centre_seconds, std::int64_t from) {
    WindowExit w;
    const double edge = static_cast<double>(radius) * static_cast<double>(period);
    const double d_now = fit.offset_at(from) - centre_seconds;
    if (std::fabs(d_now) > edge) {
        w.kind = WindowExit::Kind::already_outside;
        w.time = from;
        w.earliest = from;
        w.latest = from;
        return w;
    }
    // Seconds from `from` until an offset moving at `rate` (s/s) from d_now reaches ±edge.
    const auto time_to_edge = [&](double rate) -> std::optional<double> {
        if (rate > 0)
            return (edge - d_now) / rate;
        if (rate < 0)
            return (-edge - d_now) / rate;
        return std::nullopt;
    };
    const double rate = fit.rate_ppm / ppm;
    if (rate == 0) {
        w.kind = WindowExit::Kind::inside_forever;
        return w;
    }
    // The exit time solves |offset(t) - centre| = edge. For the band, shift the line by two
    // standard errors (which grow with the distance from the reference time) towards or away
    // from the edge, and step forward until it crosses: the crossing is found by bisection.
    const double direction = rate > 0 ? 1.0 : -1.0;
    const auto crossing = [&](double shift) -> std::optional<double> {
        const auto distance = [&](double dt) {
            const auto t = clamp_time(static_cast<double>(from) + dt);
            return direction * (fit.offset_at(t) - centre_seconds) +
                   shift * 2 * fit.offset_stderr_at(t) - edge;
        };
        if (distance(0) >= 0)
            return 0.0;
        double hi = std::max(1.0, (edge - direction * d_now) / std::fabs(rate));
        for (int i = 0; distance(hi) < 0; ++i) {
            if (i > 60)
                return std::nullopt;
            hi *= 2;
        }
        double lo = 0;
        for (int i = 0; i < 100 && hi - lo > 0.5; ++i) {
            const double mid = (lo + hi) / 2;
            (distance(mid) < 0 ? lo : hi) = mid;
        }
        return hi;
    };
    w.kind = WindowExit::Kind::leaves;
    w.time = clamp_time(static_cast<double>(from) + *time_to_edge(rate));
    w.earliest = clamp_time(static_cast<double>(from) + crossing(+1.0).value_or(0));
    // Moved away from the edge, the line may still cross it (the error grows with time), or
    // cross the other edge first; report only a crossing of the same edge at the slower rate.
    const double slow = rate - direction * 2 * fit.rate_stderr_ppm / ppm;
    if (slow * direction > 0) {
        if (const auto late = crossing(-1.0))
            w.latest = clamp_time(static_cast<double>(from) + *late);
    }
    return w;
}

}  // namespace hwtotp
