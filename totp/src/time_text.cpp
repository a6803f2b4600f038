#include "hwtotp/totp/time_text.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace hwtotp {
namespace {

Error bad_time(std::string_view text) {
    return Error{ErrorCode::invalid_input,
                 "time '" + std::string(text.substr(0, 64)) +
                     "' is not understood (accepted: Unix seconds, ISO-8601 such as "
                     "2026-11-23T10:00:00Z, or now)"};
}

// Reads exactly `width` digits at `pos`.
bool read_fixed(std::string_view s, std::size_t& pos, std::size_t width, int& out) {
    if (pos + width > s.size())
        return false;
    int v = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    pos += width;
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos < s.size() && s[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

}  // namespace

Result<std::int64_t> parse_time(std::string_view text) {
    if (text.empty())
        return tl::unexpected(bad_time(text));
    // Unix seconds: an optional sign and digits only.
    const bool numeric =
        text.find_first_not_of("0123456789", text[0] == '-' ? 1 : 0) == std::string_view::npos &&
        text != "-";
    if (numeric) {
        std::int64_t value = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || ptr != text.data() + text.size()) {
            return fail(ErrorCode::invalid_input,
                        "time '" + std::string(text.substr(0, 64)) +
                            "' is out of range (accepted: 64-bit Unix seconds)");
        }
        return value;
    }

    std::size_t pos = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_fixed(text, pos, 4, year) || !expect(text, pos, '-') ||
        !read_fixed(text, pos, 2, month) || !expect(text, pos, '-') ||
        !read_fixed(text, pos, 2, day)) {
        return tl::unexpected(bad_time(text));
    }
    std::int64_t offset_seconds = 0;
    if (pos < text.size()) {
        if (!(expect(text, pos, 'T') || expect(text, pos, 't') || expect(text, pos, ' ')) ||
            !read_fixed(text, pos, 2, hour) || !expect(text, pos, ':') ||
            !read_fixed(text, pos, 2, minute)) {
            return tl::unexpected(bad_time(text));
        }
        if (expect(text, pos, ':')) {
            if (!read_fixed(text, pos, 2, second))
                return tl::unexpected(bad_time(text));
            if (expect(text, pos, '.') || expect(text, pos, ',')) {
                const std::size_t start = pos;
                while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
                    ++pos;
                if (pos == start)
                    return tl::unexpected(bad_time(text));
            }
        }
        if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
            // UTC
        } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
            const int sign = text[pos] == '-' ? -1 : 1;
            ++pos;
            int oh = 0, om = 0;
            if (!read_fixed(text, pos, 2, oh))
                return tl::unexpected(bad_time(text));
            expect(text, pos, ':');
            if (!read_fixed(text, pos, 2, om) || oh > 23 || om > 59) {
                return tl::unexpected(bad_time(text));
            }
            offset_seconds = sign * (oh * 3600 + om * 60);
        } else {
            // A time of day without a zone is ambiguous: refuse rather than guess local time.
            return fail(ErrorCode::invalid_input,
                        "time '" + std::string(text.substr(0, 64)) +
                            "' has no time zone (add Z for UTC or an offset such as +01:00)");
        }
    }
    if (pos != text.size())
        return tl::unexpected(bad_time(text));

    using namespace std::chrono;
    const year_month_day date{std::chrono::year{year},
                              std::chrono::month{static_cast<unsigned>(month)},
                              std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok() || hour > 23 || minute > 59 || second > 60) {
        return fail(ErrorCode::invalid_input, "time '" + std::string(text.substr(0, 64)) +
                                                  "' is not a valid calendar date and time");
    }
    const std::int64_t days = sys_days{date}.time_since_epoch().count();
    return days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
}

std::string format_time(std::int64_t unix_time) {
    using namespace std::chrono;
    const std::int64_t days = unix_time >= 0 ? unix_time / 86400 : -((-unix_time + 86399) / 86400);
    const std::int64_t secs = unix_time - days * 86400;
    const year_month_day date{sys_days{std::chrono::days{days}}};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<long long>(secs / 3600),
                  static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
    return buf;
}

}  // namespace hwtotp
