// oath-toolkit's pam_oath usersfile (liboath/usersfile.c; pam_oath's README points to the
// mod_authn_otp "UsersFile" page for the format). One token a line, fields separated by any
// whitespace:
//     TYPE  USER  PIN  HEXKEY  [COUNTER  [LASTOTP  [TIME]]]
// TYPE is HOTP, HOTP/E or HOTP/E/D (event, D = 6, 7 or 8 digits, default 6) or HOTP/T30[/D] and
// HOTP/T60[/D] (time, 30 or 60 s steps). PIN is the user's password checked before the code,
// "-" for none or "+" for one checked by another PAM module. liboath skips every line whose
// first field is no TYPE, which makes '#' lines comments. A user may have several lines (several
// tokens); liboath tries them in order.
//
// The state fields, as parse_usersfile/update_usersfile2 write them after a login: for HOTP the
// search for the code starts at COUNTER, and after a success COUNTER becomes the counter of the
// accepted code and LASTOTP that code (liboath refuses it again by comparing with LASTOTP). So
// when LASTOTP is the code at COUNTER, COUNTER was used and the next counter is COUNTER + 1;
// otherwise COUNTER itself is next. TIME (local time, "%Y-%m-%dT%H:%M:%SL") records when.
// For time tokens COUNTER, LASTOTP and TIME do not change the codes and are not imported.
//
// The file has no serials: the user's n-th line becomes "pam-oath:USER" (n = 1) or
// "pam-oath:USER:n", which an exporter turns back into lines in the same order.

#include <charconv>
#include <map>
#include <vector>

#include "hwtotp/store/vendor_import.h"
#include "hwtotp/totp/code.h"
#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/otp_key.h"
#include "line_import.h"
#include "text_util.h"
#include "vendor_record.h"

namespace hwtotp::store {
namespace {

constexpr std::string_view serial_prefix = "pam-oath:";
constexpr std::string_view accepted_types =
    "HOTP, HOTP/E, HOTP/E/6..8, HOTP/T30, HOTP/T30/6..8, HOTP/T60, HOTP/T60/6..8";

struct PamType {
    int digits = 6;
    std::int64_t step = 0;  // 0: event (HOTP)
};

// liboath's parse_type, exactly: nothing else is a type.
std::optional<PamType> parse_type(std::string_view type) {
    if (type == "HOTP" || type == "HOTP/E")
        return PamType{};
    std::int64_t step = 0;
    std::string_view rest;
    if (type.starts_with("HOTP/E/")) {
        rest = type.substr(7);
    } else if (type.starts_with("HOTP/T30") || type.starts_with("HOTP/T60")) {
        step = type[6] == '3' ? 30 : 60;
        if (type.size() == 8)
            return PamType{6, step};
        if (type[8] != '/')
            return std::nullopt;
        rest = type.substr(9);
    } else {
        return std::nullopt;
    }
    if (rest == "6" || rest == "7" || rest == "8")
        return PamType{rest[0] - '0', step};
    return std::nullopt;
}

std::vector<std::string_view> split_whitespace(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        const auto start = line.find_first_not_of(" \t\r\v\f", i);
        if (start == std::string_view::npos)
            break;
        const auto end = line.find_first_of(" \t\r\v\f", start);
        fields.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
        i = end == std::string_view::npos ? line.size() : end;
    }
    return fields;
}

bool all_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// liboath's "%Y-%m-%dT%H:%M:%SL": 2009-12-07T17:25:42L.
bool is_usersfile_time(std::string_view t) {
    if (t.size() != 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
        t[16] != ':' || t[19] != 'L')
        return false;
    for (const std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U, 11U, 12U, 14U, 15U, 17U, 18U}) {
        if (t[i] < '0' || t[i] > '9')
            return false;
    }
    return true;
}

// The next HOTP counter: COUNTER, or COUNTER + 1 when LASTOTP is the code at COUNTER.
Result<std::uint64_t> next_counter(const Secret& seed, std::uint64_t counter,
                                   std::string_view last_otp, int digits) {
    if (last_otp.empty())
        return counter;
    auto last = Code::parse(last_otp, "LASTOTP");
    if (!last || last->length() != digits)
        return counter;  // not a code of this token: liboath would never match it either
    HWTOTP_ASSIGN_OR_RETURN(const OtpKey key, OtpKey::create(seed, Hash::sha1));
    if (!(key.code(counter, digits) == *last))
        return counter;
    if (counter == UINT64_MAX)
        return fail(ErrorCode::invalid_input, "COUNTER is at its maximum and was used");
    return counter + 1;
}

Result<NewToken> read_fields(const std::vector<std::string_view>& f, const PamType& type,
                             std::string serial, std::string_view source) {
    if (f.size() < 4 || f.size() > 7) {
        return fail(ErrorCode::invalid_input,
                    "expected TYPE USER PIN HEXKEY [COUNTER [LASTOTP [TIME]]] (" +
                        std::to_string(f.size()) + " fields)");
    }
    NewToken token;
    TokenDescription& d = token.description;
    d.source = std::string(source);
    d.serial = std::move(serial);
    d.owner = std::string(f[1]);
    d.label = std::string(f[1]);
    HWTOTP_TRY(check_serial(d.serial));
    auto seed = hex_decode_secret(f[3]);
    if (!seed)
        return fail(ErrorCode::invalid_input, "HEXKEY: " + seed.error().message);
    token.seed = std::move(*seed);
    std::uint64_t counter = 0;
    if (f.size() > 4) {
        const auto [end, ec] = std::from_chars(f[4].data(), f[4].data() + f[4].size(), counter);
        if (!all_digits(f[4]) || ec != std::errc{} || end != f[4].data() + f[4].size())
            return fail(ErrorCode::invalid_input, "COUNTER is not a whole number below 2^64");
    }
    if (f.size() > 6 && !is_usersfile_time(f[6]))
        return fail(ErrorCode::invalid_input, "TIME is not of the form 2009-12-07T17:25:42L");
    d.type = type.step == 0 ? OtpType::hotp : OtpType::totp;
    HWTOTP_ASSIGN_OR_RETURN(
        d.params, Params::create(Hash::sha1, type.digits, type.step == 0 ? 30 : type.step, 0));
    if (d.type == OtpType::hotp) {
        HWTOTP_ASSIGN_OR_RETURN(
            d.counter, next_counter(token.seed, counter, f.size() > 5 ? f[5] : "", type.digits));
    }
    return token;
}

}  // namespace

std::string pam_oath_serial(std::string_view user, std::size_t nth) {
    std::string serial = std::string(serial_prefix) + std::string(user);
    if (nth >= 2)
        serial += ":" + std::to_string(nth);
    return serial;
}

std::optional<PamOathSerial> parse_pam_oath_serial(std::string_view serial) {
    if (!serial.starts_with(serial_prefix))
        return std::nullopt;
    serial.remove_prefix(serial_prefix.size());
    const auto colon = serial.find(':');
    PamOathSerial out{std::string(serial.substr(0, colon)), 1};
    if (out.user.empty())
        return std::nullopt;
    if (colon == std::string_view::npos)
        return out;
    const std::string_view nth = serial.substr(colon + 1);
    if (!all_digits(nth) || nth.size() > 9 || nth.front() == '0')
        return std::nullopt;
    out.nth = static_cast<std::size_t>(std::stoul(std::string(nth)));
    if (out.nth < 2)
        return std::nullopt;
    return out;
}

Result<std::size_t> read_pam_oath(std::string_view text_in, std::string_view source,
                                  const ImportCallbacks& callbacks) {
    std::map<std::string, std::size_t, std::less<>> lines_per_user;
    return import_lines(
        text_in, source, callbacks, [&](const ContentLine& line) -> Result<LineRecord> {
            const auto fields = split_whitespace(line.text);
            const auto type = parse_type(fields[0]);
            if (!type) {
                return LineRecord::unsupported_record(
                    line.what + ": token type '" + std::string(fields[0].substr(0, 16)) +
                    "' (accepted: " + std::string(accepted_types) + ")");
            }
            if (fields.size() < 2)
                return fail(ErrorCode::invalid_input, line.what + ": no USER after the type");
            const std::string_view user = fields[1];
            if (user.find(':') != std::string_view::npos) {
                return fail(ErrorCode::invalid_input,
                            line.what + ": the user name has a ':', which no Unix account has " +
                                "and the serial pam-oath:USER cannot carry");
            }
            const std::size_t nth = ++lines_per_user[std::string(user)];
            std::string serial = pam_oath_serial(user, nth);
            auto token = read_fields(fields, *type, serial, source);
            if (!token)
                return tl::unexpected(in_record(line.what, serial, token.error()));
            // pam_oath tries each of a user's lines; the registry keeps one token per owner
            // (a login never has to choose), so a user's later lines come in unowned.
            if (nth > 1) {
                token->description.owner.clear();
                if (callbacks.warn) {
                    callbacks.warn(record_name(line.what, serial) +
                                   ": imported without an owner (" + std::string(user) +
                                   " owns their first line's token; one token per owner)");
                }
            }
            if (fields.size() > 2 && fields[2] != "-" && fields[2] != "+" && callbacks.warn) {
                callbacks.warn(record_name(line.what, serial) +
                               ": the PIN is not imported (hwtotp keeps no PINs); it must be "
                               "checked separately, as pam_oath's '+' does");
            }
            return LineRecord(std::move(*token));
        });
}

}  // namespace hwtotp::store
