#pragma once
// Saturating 64-bit arithmetic for the verifier's times, offsets and delays.
//
// Times come from the caller (`--time` takes any 64-bit value) and offsets from vendor files,
// so a sum such as "last failure + throttle delay" can leave the int64 range. Signed overflow
// is undefined behaviour, and in practice wraps: the throttle would then stop throttling. Each
// result here is the exact one, or the nearest int64 when the exact one is out of range.

#include <cstdint>
#include <limits>

namespace hwtotp::store {

[[nodiscard]] inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a, b, &sum))
        return b > 0 ? std::numeric_limits<std::int64_t>::max()
                     : std::numeric_limits<std::int64_t>::min();
    return sum;
}

[[nodiscard]] inline std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
    std::int64_t difference = 0;
    if (__builtin_sub_overflow(a, b, &difference))
        return b < 0 ? std::numeric_limits<std::int64_t>::max()
                     : std::numeric_limits<std::int64_t>::min();
    return difference;
}

[[nodiscard]] inline std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
    std::int64_t product = 0;
    if (__builtin_mul_overflow(a, b, &product))
        return (a < 0) != (b < 0) ? std::numeric_limits<std::int64_t>::min()
                                  : std::numeric_limits<std::int64_t>::max();
    return product;
}

}  // namespace hwtotp::store
