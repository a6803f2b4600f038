// CSV token lists: serial,seed[,type[,digits[,period[,algorithm]]]] (privacyIDEA's column order).

#include <vector>

#include "hwtotp/store/import.h"
#include "hwtotp/totp/codec.h"
#include "line_import.h"
#include "text_util.h"

namespace hwtotp::store {
namespace {

bool looks_hex(std::string_view seed) {
    std::size_t digits = 0;
    for (char c : seed) {
        if (c == ' ' || c == ':')
            continue;
        if (std::isxdigit(static_cast<unsigned char>(c)) == 0)
            return false;
        ++digits;
    }
    return digits > 0 && digits % 2 == 0;
}

std::vector<std::string_view> split(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
        const auto comma = line.find(',', start);
        fields.push_back(text::trim(line.substr(start, comma - start)));
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    return fields;
}

Result<NewToken> read_line(const std::vector<std::string_view>& f, std::string_view source) {
    if (f.size() < 2 || f.size() > 6) {
        return fail(ErrorCode::invalid_input,
                    "expected serial,seed[,type,digits,period,algorithm] (" +
                        std::to_string(f.size()) + " fields)");
    }
    NewToken token;
    TokenDescription& d = token.description;
    d.source = std::string(source);
    d.serial = std::string(f[0]);
    HWTOTP_TRY(check_serial(d.serial));
    auto seed = looks_hex(f[1]) ? hex_decode_secret(f[1]) : base32_decode(f[1]);
    if (!seed)
        return fail(ErrorCode::invalid_input, "seed (hex or base32): " + seed.error().message);
    token.seed = std::move(*seed);
    if (f.size() > 2 && !f[2].empty()) {
        if (text::iequals(f[2], "totp")) {
            d.type = OtpType::totp;
        } else if (text::iequals(f[2], "hotp")) {
            d.type = OtpType::hotp;
        } else {
            return fail(ErrorCode::invalid_input,
                        "type '" + std::string(f[2].substr(0, 16)) + "' (accepted: totp, hotp)");
        }
    }
    std::int64_t digits = 6;
    std::int64_t period = 30;
    Hash hash = Hash::sha1;
    if (f.size() > 3 && !f[3].empty()) {
        HWTOTP_ASSIGN_OR_RETURN(digits, text::parse_int(f[3], "digits"));
    }
    if (f.size() > 4 && !f[4].empty()) {
        HWTOTP_ASSIGN_OR_RETURN(period, text::parse_int(f[4], "period"));
    }
    if (f.size() > 5 && !f[5].empty()) {
        HWTOTP_ASSIGN_OR_RETURN(hash, parse_hash(f[5]));
    }
    if (digits < Params::min_digits || digits > Params::max_digits)
        return fail(ErrorCode::invalid_input, "digits " + std::to_string(digits) + " (6..8)");
    HWTOTP_ASSIGN_OR_RETURN(d.params, Params::create(hash, static_cast<int>(digits), period, 0));
    return token;
}

}  // namespace

Result<std::size_t> read_csv(std::string_view text_in, std::string_view source,
                             const ImportCallbacks& callbacks) {
    bool first_content = true;
    return import_lines(
        text_in, source, callbacks,
        [&](const ContentLine& line) -> Result<std::optional<NewToken>> {
            const auto fields = split(line.text);
            const bool header = first_content && text::iequals(fields[0], "serial");
            first_content = false;
            if (header)
                return std::optional<NewToken>{};
            auto token = read_line(fields, source);
            if (!token) {
                // Shown only when it can be a serial: a line of another
                // format ("HOTP alice - 3132...") would show a seed.
                const std::string serial(check_serial(fields[0]) ? fields[0].substr(0, 64) : "");
                return fail(token.error().code,
                            line.what + (serial.empty() ? "" : " (serial " + serial + ")") + ": " +
                                token.error().message);
            }
            return std::optional<NewToken>(std::move(*token));
        });
}

}  // namespace hwtotp::store
