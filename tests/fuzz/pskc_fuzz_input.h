#pragma once
// The input format of fuzz_pskc (its opening comment describes it): a PSKC document, then
// '|'-separated fields with the key or password that opens it and the read sizes. Shared with
// the test that checks that every keyed corpus file really opens with what it carries.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Bytes from hex digits; nullopt when the text is not whole bytes of hex (then: no key).
inline std::optional<std::vector<std::uint8_t>> from_hex(std::string_view hex) {
    if (hex.empty() || hex.size() % 2 != 0)
        return std::nullopt;
    const auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = digit(hex[i]);
        const int lo = digit(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        bytes.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    return bytes;
}

}  // namespace hwtotp::fuzz
