#pragma once
// ASCII character classes for AWS identifiers (serials, user names, ARNs): locale-free, unlike
// <cctype>, because AWS's rules are byte rules.

namespace hwtotp::aws::ascii {

constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
constexpr bool is_lower(char c) {
    return c >= 'a' && c <= 'z';
}
constexpr bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
// A regular expression's \w: letters, digits and '_'.
constexpr bool is_word(char c) {
    return is_lower(c) || is_upper(c) || is_digit(c) || c == '_';
}

}  // namespace hwtotp::aws::ascii
