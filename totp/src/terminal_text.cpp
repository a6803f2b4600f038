#include "hwtotp/totp/terminal_text.h"

#include <cstdint>

namespace hwtotp {
namespace {

// The length of the valid UTF-8 sequence at text[i] and its code point, or 0 when the bytes
// there are not one (a stray continuation byte, an overlong form, a surrogate, > U+10FFFF, or a
// sequence cut short). RFC 3629's table of well-formed byte sequences.
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& code_point) {
    const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[i + k]); };
    const std::uint8_t b0 = byte(0);
    std::size_t length = 0;
    std::uint8_t low = 0x80;  // the second byte's range, narrowed for E0, ED, F0, F4
    std::uint8_t high = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        low = b0 == 0xE0 ? 0xA0 : 0x80;
        high = b0 == 0xED ? 0x9F : 0xBF;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        low = b0 == 0xF0 ? 0x90 : 0x80;
        high = b0 == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (i + length > text.size())
        return 0;
    if (byte(1) < low || byte(1) > high)
        return 0;
    for (std::size_t k = 2; k < length; ++k) {
        if (byte(k) < 0x80 || byte(k) > 0xBF)
            return 0;
    }
    const std::uint8_t lead_bits = length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07;
    char32_t cp = b0 & lead_bits;
    for (std::size_t k = 1; k < length; ++k)
        cp = (cp << 6) | (byte(k) & 0x3FU);
    code_point = cp;
    return length;
}

// Code points that change how a terminal shows the text around them.
bool is_invisible_control(char32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
           cp == 0x2029;
}

void append_hex_escape(std::string& out, std::uint8_t byte) {
    static constexpr std::string_view digits = "0123456789abcdef";
    out += "\\x";
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0xFU]);
}

// Calls keep(i, n) for printable runs of n bytes at i and escape(byte) for every other byte.
template <typename Keep, typename Escape>
void classify(std::string_view text, Keep&& keep, Escape&& escape) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b = static_cast<std::uint8_t>(text[i]);
        if (b >= 0x20 && b < 0x7F) {
            keep(i, 1);
            ++i;
            continue;
        }
        char32_t cp = 0;
        const std::size_t n = b < 0x80 ? 0 : utf8_sequence(text, i, cp);
        if (n == 0) {
            escape(b);
            ++i;
            continue;
        }
        if (is_invisible_control(cp)) {
            for (std::size_t k = 0; k < n; ++k)
                escape(static_cast<std::uint8_t>(text[i + k]));
        } else {
            keep(i, n);
        }
        i += n;
    }
}

bool needs_escape(std::string_view text) {
    bool any = false;
    classify(
        text, [](std::size_t, std::size_t) {}, [&](std::uint8_t) { any = true; });
    return any;
}

bool is_shell_safe(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
}

}  // namespace

std::string escape_for_terminal(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    classify(
        text, [&](std::size_t i, std::size_t n) { out.append(text.substr(i, n)); },
        [&](std::uint8_t byte) { append_hex_escape(out, byte); });
    return out;
}

std::string shell_quote(std::string_view text) {
    if (text.empty())
        return "''";
    bool plain = true;
    for (const char c : text)
        plain = plain && is_shell_safe(c);
    if (plain)
        return std::string(text);
    std::string out;
    if (!needs_escape(text)) {
        // Inside single quotes every byte is literal except the quote itself: end the quoted
        // part, add an escaped quote, and open a new one.
        out = "'";
        for (const char c : text)
            out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return out + "'";
    }
    // ANSI-C quoting: only backslash and the single quote are special besides the escapes.
    out = "$'";
    classify(
        text,
        [&](std::size_t i, std::size_t n) {
            for (const char c : text.substr(i, n)) {
                if (c == '\\' || c == '\'')
                    out.push_back('\\');
                out.push_back(c);
            }
        },
        [&](std::uint8_t byte) { append_hex_escape(out, byte); });
    return out + "'";
}

}  // namespace hwtotp
