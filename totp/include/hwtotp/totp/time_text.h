#pragma once
// Reading and writing instants as users type them.

#include <cstdint>
#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"

namespace hwtotp {

// Unix seconds ("1700000000", "-5") or ISO-8601 in UTC or with an offset:
// "2026-11-23T10:00:00Z", "2026-11-23 10:00:00+01:00", "2026-11-23T10:00Z", "2026-11-23"
// (midnight UTC). Fractional seconds are accepted and truncated. "now" is the caller's job:
// this function has no clock.
[[nodiscard]] Result<std::int64_t> parse_time(std::string_view text);

// "2026-11-23T10:00:00Z".
[[nodiscard]] std::string format_time(std::int64_t unix_time);

}  // namespace hwtotp
