#include "hwtotp/device/clock.h"

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

}  // namespace

std::int64_t DriftModel::token_time(std::int64_t real_time) const {
    const Wide elapsed = Wide{real_time} - Wide{since};
    // ppm to micro-ppm once, rounded: the only floating-point step, and exact for any ppm
    // given with up to six decimals.
    const Wide micro_ppm = static_cast<Wide>(std::llround(ppm * 1e6));
    const Wide drift = floor_div(elapsed * micro_ppm, micro_ppm_to_seconds);
    return saturate(Wide{since_token_time} + elapsed + drift + Wide{offset_seconds});
}

}  // namespace hwtotp::device
