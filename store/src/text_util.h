#pragma once
// Small text helpers shared by the importers.

#include <cstdint>
#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"

namespace hwtotp::store::text {

[[nodiscard]] std::string_view trim(std::string_view text);
[[nodiscard]] std::string lower(std::string_view text);
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);
// A decimal integer, optional sign, surrounding whitespace ignored; `what` names it in errors.
[[nodiscard]] Result<std::int64_t> parse_int(std::string_view text, std::string_view what);

}  // namespace hwtotp::store::text
