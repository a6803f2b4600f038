#pragma once
// Whole numbers from option text, with messages that name the option and the accepted range.

#include <cstdint>
#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"

namespace hwtotp::cli {

[[nodiscard]] Result<std::int64_t> parse_integer(std::string_view text, std::string_view option,
                                                 std::int64_t min, std::int64_t max);
// A whole number from `min` to `max`; anything else (text, a sign, out of range) is refused
// with that one range, so that every refusal of an option names the same accepted values.
[[nodiscard]] Result<std::uint64_t> parse_unsigned(std::string_view text, std::string_view option,
                                                   std::uint64_t min, std::uint64_t max);
// The same from 0.
[[nodiscard]] Result<std::uint64_t> parse_unsigned(std::string_view text, std::string_view option,
                                                   std::uint64_t max);

}  // namespace hwtotp::cli
