#pragma once
// The value of one hex digit, either case; -1 for any other character. Shared by the hex codec
// and the otpauth URI's percent-escapes.

namespace hwtotp::detail {

constexpr int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

}  // namespace hwtotp::detail
