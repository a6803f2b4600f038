// Text helpers for the importers.

#include "text_util.h"

#include <cctype>
#include <charconv>

namespace hwtotp::store::text {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0)
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0)
        text.remove_suffix(1);
    return text;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return lower(a) == lower(b);
}

Result<std::int64_t> parse_int(std::string_view text, std::string_view what) {
    const std::string_view t = trim(text);
    std::string_view digits = t;
    if (!digits.empty() && digits.front() == '+')
        digits.remove_prefix(1);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (t.empty() || ec != std::errc{} || end != digits.data() + digits.size()) {
        std::string shown(t.substr(0, 24));
        return fail(ErrorCode::invalid_input,
                    std::string(what) + " '" + shown + "' is not an integer");
    }
    return value;
}

}  // namespace hwtotp::store::text
