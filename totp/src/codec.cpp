#include "hwtotp/totp/codec.h"

#include <array>

#include "hex_digit.h"
#include "hwtotp/totp/limits.h"

namespace hwtotp {
namespace {

constexpr std::string_view base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int base32_value(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

std::string describe_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7f) {
        return std::string("'") + c + "'";
    }
    static constexpr std::string_view digits = "0123456789abcdef";
    return std::string("byte 0x") + digits[u >> 4] + digits[u & 0xf];
}

// Shared by both hex decoders: writes into `out` (sized by the caller after counting).
template <typename Sink>
Result<std::size_t> hex_decode_into(std::string_view text, Sink&& sink) {
    if (text.starts_with("0x") || text.starts_with("0X")) {
        text.remove_prefix(2);
    }
    int high = -1;
    std::size_t count = 0;
    std::size_t digits = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ' ' || c == ':') {
            continue;
        }
        const int v = detail::hex_digit(c);
        if (v < 0) {
            return fail(ErrorCode::invalid_input, "invalid hex character " + describe_char(c) +
                                                      " at position " + std::to_string(i + 1) +
                                                      " (accepted: 0-9, a-f, A-F)");
        }
        ++digits;
        if (high < 0) {
            high = v;
        } else {
            sink(count++, static_cast<std::uint8_t>((high << 4) | v));
            high = -1;
        }
    }
    if (digits == 0) {
        return fail(ErrorCode::invalid_input,
                    "hex value is empty (accepted: an even number of hex digits)");
    }
    if (high >= 0) {
        return fail(ErrorCode::invalid_input, "hex value has an odd number of digits (" +
                                                  std::to_string(digits) +
                                                  "); each byte needs two hex digits");
    }
    return count;
}

std::size_t count_hex_digits(std::string_view text) {
    std::size_t n = 0;
    for (char c : text) {
        n += detail::hex_digit(c) >= 0 ? 1U : 0U;
    }
    return n;
}

}  // namespace

Result<Secret> base32_decode(std::string_view text) {
    // First pass: validate and count symbols, so the output is allocated once at its size.
    std::size_t symbols = 0;
    std::size_t padding = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ' ' || c == '-' || c == '\t') {
            continue;
        }
        if (c == '=') {
            ++padding;
            continue;
        }
        if (padding > 0) {
            return fail(ErrorCode::invalid_input, "invalid base32: '=' padding before position " +
                                                      std::to_string(i + 1) +
                                                      " (padding may only end the value)");
        }
        if (base32_value(c) < 0) {
            std::string hint;
            if (c == '0' || c == '1' || c == '8' || c == '9') {
                hint = "; base32 has no 0, 1, 8 or 9: did you mean O, I, L or B?";
            }
            return fail(ErrorCode::invalid_input,
                        "invalid base32 character " + describe_char(c) + " at position " +
                            std::to_string(i + 1) +
                            " (accepted: A-Z, 2-7, spaces, dashes, '=' padding" + hint + ")");
        }
        ++symbols;
    }
    if (symbols == 0) {
        return fail(ErrorCode::invalid_input, "base32 value is empty (accepted: A-Z and 2-7)");
    }
    const std::size_t tail = symbols % 8;
    if (tail == 1 || tail == 3 || tail == 6) {
        return fail(ErrorCode::invalid_input,
                    "invalid base32 length: " + std::to_string(symbols) +
                        " symbols cannot encode whole bytes (a seed is usually 16 or 32 symbols); "
                        "is a character missing?");
    }
    // Refused before anything is allocated: a seed is at most limits::max_seed_bytes.
    HWTOTP_TRY(limits::check_seed_size(symbols * 5 / 8));
    Secret out = Secret::zeroed(symbols * 5 / 8);
    auto bytes = out.mutable_bytes();
    std::uint64_t buffer = 0;
    int bits = 0;
    std::size_t written = 0;
    for (char c : text) {
        const int v = base32_value(c);
        if (v < 0) {
            continue;
        }
        buffer = (buffer << 5) | static_cast<std::uint64_t>(v);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            bytes[written++] = static_cast<std::uint8_t>(buffer >> bits);
        }
    }
    wipe_memory(&buffer, sizeof buffer);
    return out;
}

std::string base32_encode(std::span<const std::uint8_t> bytes, bool pad) {
    std::string out;
    out.reserve((bytes.size() + 4) / 5 * 8);
    std::uint64_t buffer = 0;
    int bits = 0;
    for (auto b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out.push_back(base32_alphabet[(buffer >> bits) & 0x1fU]);
        }
    }
    if (bits > 0) {
        out.push_back(base32_alphabet[(buffer << (5 - bits)) & 0x1fU]);
    }
    while (pad && out.size() % 8 != 0) {
        out.push_back('=');
    }
    wipe_memory(&buffer, sizeof buffer);
    return out;
}

Result<Secret> hex_decode_secret(std::string_view text) {
    // Refused before anything is allocated: a seed is at most limits::max_seed_bytes.
    const std::size_t size = count_hex_digits(text) / 2;
    if (size > limits::max_seed_bytes)
        HWTOTP_TRY(limits::check_seed_size(size));
    Secret out = Secret::zeroed(size);
    auto bytes = out.mutable_bytes();
    HWTOTP_TRY(hex_decode_into(text, [&](std::size_t i, std::uint8_t b) {
        if (i < bytes.size())
            bytes[i] = b;
    }));
    return out;
}

Result<std::vector<std::uint8_t>> hex_decode(std::string_view text) {
    std::vector<std::uint8_t> out;
    out.reserve(text.size() / 2);
    HWTOTP_TRY(hex_decode_into(text, [&](std::size_t, std::uint8_t b) { out.push_back(b); }));
    return out;
}

std::string hex_encode(std::span<const std::uint8_t> bytes) {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0xfU]);
    }
    return out;
}

}  // namespace hwtotp
