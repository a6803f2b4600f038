#include "hwtotp/totp/steps.h"

#include <limits>
#include <string>

namespace hwtotp {

Result<std::uint64_t> step_at(const Params& params, std::int64_t unix_time) {
    if (unix_time < params.t0()) {
        return fail(ErrorCode::invalid_input, "time " + std::to_string(unix_time) +
                                                  " is before T0 = " + std::to_string(params.t0()) +
                                                  " (accepted: times at or after T0)");
    }
    // unix_time >= t0, so the difference is non-negative; it fits in uint64 even for extremes.
    const auto elapsed =
        static_cast<std::uint64_t>(unix_time) - static_cast<std::uint64_t>(params.t0());
    return elapsed / static_cast<std::uint64_t>(params.period());
}

std::int64_t step_start(const Params& params, std::uint64_t step) {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    const auto period = static_cast<std::uint64_t>(params.period());
    if (step > static_cast<std::uint64_t>(max) / period) {
        return max;
    }
    const auto offset = static_cast<std::int64_t>(step * period);
    if (params.t0() > 0 && offset > max - params.t0()) {
        return max;
    }
    return params.t0() + offset;
}

std::int64_t seconds_left_in_step(const Params& params, std::int64_t unix_time) {
    const auto elapsed =
        static_cast<std::uint64_t>(unix_time) - static_cast<std::uint64_t>(params.t0());
    const auto period = static_cast<std::uint64_t>(params.period());
    return static_cast<std::int64_t>(period - elapsed % period);
}

std::uint64_t step_add(std::uint64_t step, std::int64_t delta) {
    if (delta >= 0) {
        const auto d = static_cast<std::uint64_t>(delta);
        return step > std::numeric_limits<std::uint64_t>::max() - d
                   ? std::numeric_limits<std::uint64_t>::max()
                   : step + d;
    }
    // -(delta + 1) + 1 avoids negating INT64_MIN.
    const auto d = static_cast<std::uint64_t>(-(delta + 1)) + 1;
    return step < d ? 0 : step - d;
}

std::int64_t step_diff(std::uint64_t step, std::uint64_t base) {
    constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (step >= base) {
        const std::uint64_t d = step - base;
        return d > max ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(d);
    }
    const std::uint64_t d = base - step;
    return d > max ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(d);
}

}  // namespace hwtotp
