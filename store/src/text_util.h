#pragma once
// Small text helpers shared by the importers.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"

namespace hwtotp::store::text {

[[nodiscard]] std::string_view trim(std::string_view text);
[[nodiscard]] std::string lower(std::string_view text);
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);
// A decimal integer, optional sign, surrounding whitespace ignored; `what` names it in errors.
[[nodiscard]] Result<std::int64_t> parse_int(std::string_view text, std::string_view what);

// One line of a line-based import file (CSV, URI list): trimmed, with its 1-based number and
// the offset just past it (for progress).
struct Line {
    std::string_view text;
    std::size_t number = 0;
    std::size_t end = 0;
};
// Calls `visit` for every line that is neither blank nor a '#' comment, in order; stops at and
// returns the first error.
[[nodiscard]] Result<void> for_each_content_line(
    std::string_view text, const std::function<Result<void>(const Line&)>& visit);

}  // namespace hwtotp::store::text
