#include "hwtotp/device/clock.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace hwtotp::device {

std::int64_t SystemClock::now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

namespace {

// GCC and Clang both provide __int128; __extension__ keeps -Wpedantic quiet about it.
__extension__ using Wide = __int128;

constexpr Wide micro_ppm_to_seconds = 1'000'000'000'000;  // elapsed·µppm / 1e12 = seconds

Wide floor_div(Wide a, Wide b) {
    Wide q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        --q;
    }
    return q;
}

std::int64_t saturate(Wide value) {
    constexpr auto lo = std::numeric_limits<std::int64_t>::min();
    constexpr auto hi = std::numeric_limits<std::int64_t>::max();
    if (value < lo)
        return lo;
    if (value > hi)
        return hi;
    return static_cast<std::int64_t>(value);
}

// The token's time without offset_seconds, exact in 128 bits: |elapsed| < 2^65, so the product
// cannot overflow while |ppm| < 2^61 / 10^6, far beyond any crystal (the CLI allows 10^5).
Wide clock_without_offset(const DriftModel& model, std::int64_t real_time) {
    const Wide elapsed = Wide{real_time} - Wide{model.since};
    // ppm to micro-ppm once, rounded: the only floating-point step, and exact for any ppm
    // given with up to six decimals.
    const Wide micro_ppm = static_cast<Wide>(std::llround(model.ppm * 1e6));
    const Wide drift = floor_div(elapsed * micro_ppm, micro_ppm_to_seconds);
    return Wide{model.since_token_time} + elapsed + drift;
}

bool fits_int64(Wide value) {
    return value >= std::numeric_limits<std::int64_t>::min() &&
           value <= std::numeric_limits<std::int64_t>::max();
}

}  // namespace

std::int64_t DriftModel::token_time(std::int64_t real_time) const {
    return saturate(clock_without_offset(*this, real_time) + Wide{offset_seconds});
}

std::optional<std::int64_t> DriftModel::exact_token_time(std::int64_t real_time) const {
    const Wide value = clock_without_offset(*this, real_time) + Wide{offset_seconds};
    if (!fits_int64(value))
        return std::nullopt;
    return static_cast<std::int64_t>(value);
}

std::optional<DriftModel::OffsetRange> DriftModel::valid_offsets(std::int64_t first,
                                                                 std::int64_t last,
                                                                 std::int64_t t0) const {
    // The clock is a monotonic function of real time (floor of a linear one), so its extremes
    // over [first, last] are at the ends, whichever way it runs.
    const Wide a = clock_without_offset(*this, first);
    const Wide b = clock_without_offset(*this, last);
    const Wide lowest = std::min(a, b);
    const Wide highest = std::max(a, b);
    const Wide min_offset =
        std::max<Wide>(Wide{t0} - lowest, std::numeric_limits<std::int64_t>::min());
    const Wide max_offset = std::min<Wide>(Wide{std::numeric_limits<std::int64_t>::max()} - highest,
                                           std::numeric_limits<std::int64_t>::max());
    if (min_offset > max_offset)
        return std::nullopt;
    return OffsetRange{static_cast<std::int64_t>(min_offset),
                       static_cast<std::int64_t>(max_offset)};
}

}  // namespace hwtotp::device
