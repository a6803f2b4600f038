#include "number_option.h"

#include <charconv>

namespace hwtotp::cli {
namespace {

std::string range_text(auto min, auto max) {
    return std::to_string(min) + " to " + std::to_string(max);
}

}  // namespace

Result<std::int64_t> parse_integer(std::string_view text, std::string_view option, std::int64_t min,
                                   std::int64_t max) {
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < min ||
        value > max) {
        return fail(ErrorCode::invalid_input,
                    std::string(option) + " '" + std::string(text.substr(0, 40)) +
                        "' is not accepted (accepted: a whole number from " + range_text(min, max) +
                        ")");
    }
    return value;
}

Result<std::uint64_t> parse_unsigned(std::string_view text, std::string_view option,
                                     std::uint64_t min, std::uint64_t max) {
    std::uint64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < min ||
        value > max) {
        return fail(ErrorCode::invalid_input,
                    std::string(option) + " '" + std::string(text.substr(0, 40)) +
                        "' is not accepted (accepted: a whole number from " + range_text(min, max) +
                        ")");
    }
    return value;
}

Result<std::uint64_t> parse_unsigned(std::string_view text, std::string_view option,
                                     std::uint64_t max) {
    return parse_unsigned(text, option, 0, max);
}

}  // namespace hwtotp::cli
