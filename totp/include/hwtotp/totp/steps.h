#pragma once
// Time steps (RFC 6238 section 4.2): T = floor((unix_time - T0) / period).
//
// 64-bit time throughout, so 2038 and steps past 2^32 are ordinary. A time before T0 has no
// step: it is an error, not a wrap-around to a huge unsigned value.

#include <cstdint>

#include "hwtotp/totp/error.h"
#include "hwtotp/totp/params.h"

namespace hwtotp {

// The step containing `unix_time`; fails when unix_time < T0.
[[nodiscard]] Result<std::uint64_t> step_at(const Params& params, std::int64_t unix_time);
// The Unix time at which `step` begins (saturates at INT64_MAX).
[[nodiscard]] std::int64_t step_start(const Params& params, std::uint64_t step);
// Seconds from `unix_time` until its step ends (1..period). unix_time must be >= T0.
[[nodiscard]] std::int64_t seconds_left_in_step(const Params& params, std::int64_t unix_time);

// `step` moved by `delta`, clamped to [0, UINT64_MAX].
[[nodiscard]] std::uint64_t step_add(std::uint64_t step, std::int64_t delta);
// step - base as a signed number, saturating at the int64 range.
[[nodiscard]] std::int64_t step_diff(std::uint64_t step, std::uint64_t base);

}  // namespace hwtotp
