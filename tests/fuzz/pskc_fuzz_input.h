#pragma once
// The input format of fuzz_pskc (its opening comment describes it): a PSKC document, then
// '|'-separated fields with the key or password that opens it and the read sizes. Shared with
// the test that checks that every keyed corpus file really opens with what it carries.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/totp/codec.h"

namespace hwtotp::fuzz {

struct FuzzInput {
    std::string_view document;
    std::string key_hex;
    std::string password;
    std::vector<std::size_t> reads{1, 7, 2, 13, 64, 3};
};

inline std::optional<std::size_t> parse_size(std::string_view text) {
    if (text.empty() || text.size() > 6)
        return std::nullopt;
    std::size_t n = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n == 0 ? std::nullopt : std::optional<std::size_t>(n);
}

inline FuzzInput split_input(std::string_view text) {
    FuzzInput in;
    auto bar = text.find('|');
    in.document = text.substr(0, bar);
    while (bar != std::string_view::npos) {
        const auto next = text.find('|', bar + 1);
        const std::string_view field = text.substr(bar + 1, next - bar - 1);
        bar = next;
        if (field.starts_with("key=")) {
            in.key_hex = std::string(field.substr(4));
        } else if (field.starts_with("password=")) {
            in.password = std::string(field.substr(9));
        } else if (field.starts_with("reads=")) {
            std::vector<std::size_t> reads;
            std::string_view list = field.substr(6);
            while (!list.empty() && reads.size() < 64) {
                const auto comma = list.find(',');
                if (const auto n = parse_size(list.substr(0, comma)))
                    reads.push_back(*n);
                list =
                    comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
            }
            if (!reads.empty())
                in.reads = std::move(reads);
        }
    }
    return in;
}

// Bytes from hex digits (the codec's reading); nullopt when there are none or they do not
// decode (then: no key).
inline std::optional<std::vector<std::uint8_t>> from_hex(std::string_view hex) {
    auto bytes = hwtotp::hex_decode(hex);
    if (hex.empty() || !bytes)
        return std::nullopt;
    return std::move(*bytes);
}

}  // namespace hwtotp::fuzz
