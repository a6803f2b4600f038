// privacyIDEA's OATH CSV token file. Its documentation (doc/workflows_and_tools/import, "OATH
// CSV") and its reader (privacyidea/lib/importotp.py parseOATHcsv, with the token classes'
// get_import_csv) define it:
//     <serial>, <seed>, TOTP, <otp length>, <time step>
//     <serial>, <seed>, [HOTP, <otp length>, <counter>]
//     <serial>, <seed>, OCRA, <ocra suite>        and     <serial>, <n/a>, TAN, <tans>
// The seed is hex; the type defaults to HOTP, the length to 6 and the time step to 30. The hash
// is not a column: privacyIDEA takes it from the seed's length in hex digits (64: SHA-256,
// 128: SHA-512, 56: SHA-224, 96: SHA-384, anything else SHA-1); hwtotp reads it the same way,
// and refuses the SHA-224/384 lengths it cannot compute. A first line "# version: 2" puts the
// user's "username, resolver, realm" in front of every line; the username becomes the owner.
// OCRA and TAN lines hold no HOTP/TOTP key: they are unsupported records.

#include <optional>

#include "csv_fields.h"
#include "hwtotp/store/vendor_import.h"
#include "hwtotp/totp/codec.h"
#include "line_import.h"
#include "text_util.h"
#include "vendor_record.h"

namespace hwtotp::store {
namespace {

// privacyIDEA's test: the first line matches "^#\s*version:\s*(\d+)", and "2" adds the users.
bool has_user_columns(std::string_view text) {
    std::string_view first = text.substr(0, text.find('\n'));
    if (!first.starts_with('#'))
        return false;
    first = text::trim(first.substr(1));
    if (!first.starts_with("version:"))
        return false;
    return text::trim(first.substr(8)) == "2";
}

// The hash privacyIDEA infers from the seed's length in hex digits; nullopt for SHA-224/384.
std::optional<Hash> hash_from_seed_length(std::size_t hex_digits) {
    switch (hex_digits) {
        case 64:
            return Hash::sha256;
        case 128:
            return Hash::sha512;
        case 56:
        case 96:
            return std::nullopt;
        default:
            return Hash::sha1;
    }
}

Result<NewToken> read_key(const CsvFields& f, std::size_t at, std::string_view source) {
    NewToken token;
    TokenDescription& d = token.description;
    d.source = std::string(source);
    d.serial = std::string(f[at]);
    HWTOTP_TRY(check_serial(d.serial));
    if (f.size() > at + 5)
        return fail(ErrorCode::invalid_input,
                    "expected serial, key[, type, otplen, counter or time step] (" +
                        std::to_string(f.size() - at) + " fields)");
    const std::string type = text::lower(f[at + 2]);
    d.type = type == "totp" ? OtpType::totp : OtpType::hotp;
    const std::string_view key = f[at + 1];
    if (key.empty())
        return fail(ErrorCode::invalid_input, "the key is empty");
    auto seed = hex_decode_secret(key);
    if (!seed)
        return fail(ErrorCode::invalid_input, "key (hex): " + seed.error().message);
    token.seed = std::move(*seed);
    std::int64_t digits = 6;
    if (!f[at + 3].empty()) {
        HWTOTP_ASSIGN_OR_RETURN(digits, text::parse_int(f[at + 3], "otplen"));
    }
    if (digits < Params::min_digits || digits > Params::max_digits)
        return fail(ErrorCode::invalid_input, "otplen " + std::to_string(digits) + " (6..8)");
    std::int64_t period = 30;
    if (const std::string_view fifth = f[at + 4]; !fifth.empty()) {
        if (d.type == OtpType::totp) {
            HWTOTP_ASSIGN_OR_RETURN(period, text::parse_int(fifth, "time step"));
        } else {
            HWTOTP_ASSIGN_OR_RETURN(const std::int64_t counter, text::parse_int(fifth, "counter"));
            if (counter < 0)
                return fail(ErrorCode::invalid_input, "the counter is negative");
            d.counter = static_cast<std::uint64_t>(counter);
        }
    }
    // The key length was checked for SHA-224/384 before: here it names SHA-1, -256 or -512.
    const Hash hash = hash_from_seed_length(key.size()).value_or(Hash::sha1);
    HWTOTP_ASSIGN_OR_RETURN(d.params, Params::create(hash, static_cast<int>(digits), period, 0));
    return token;
}

// Why a line holds nothing hwtotp can use, or "" when it holds a HOTP/TOTP key.
std::string unsupported_reason(const CsvFields& f, std::size_t at) {
    const std::string type = text::lower(f[at + 2]);
    if (!type.empty() && type != "hotp" && type != "totp") {
        return "type '" + std::string(f[at + 2].substr(0, 16)) +
               "' (hwtotp imports HOTP and TOTP keys)";
    }
    const std::size_t length = f[at + 1].size();
    if (!hash_from_seed_length(length)) {
        return "a key of " + std::to_string(length) +
               " hex digits, which privacyIDEA reads as HMAC-" +
               (length == 56 ? "SHA-224" : "SHA-384") +
               " (hwtotp computes SHA-1, SHA-256, SHA-512)";
    }
    return {};
}

}  // namespace

Result<std::size_t> read_privacyidea_csv(std::string_view text_in, std::string_view source,
                                         const ImportCallbacks& callbacks) {
    const bool users = has_user_columns(text_in);
    const std::size_t at = users ? 3 : 0;  // where the serial is
    return import_lines(
        text_in, source, callbacks, [&](const ContentLine& line) -> Result<LineRecord> {
            auto fields = CsvFields::split(line.text);
            if (!fields)
                return tl::unexpected(in_record(line.what, "", fields.error()));
            const std::string_view serial = (*fields)[at];
            if (fields->size() < at + 2) {
                return fail(ErrorCode::invalid_input,
                            record_name(line.what, serial) + ": expected " +
                                (users ? "username, resolver, realm, " : "") +
                                "serial, key[, type, otplen, counter or time step] (" +
                                std::to_string(fields->size()) + " fields)");
            }
            if (auto reason = unsupported_reason(*fields, at); !reason.empty())
                return LineRecord::unsupported_record(record_name(line.what, serial) + ": " +
                                                      reason);
            auto token = read_key(*fields, at, source);
            if (!token)
                return tl::unexpected(in_record(line.what, serial, token.error()));
            if (users)
                token->description.owner = std::string((*fields)[0]);
            return LineRecord(std::move(*token));
        });
}

}  // namespace hwtotp::store
