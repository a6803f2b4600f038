// SafeNet eToken PASS / SafeWord authenticator records (.dat): an LDIF-like export
// ("# ===== SafeWord Authenticator Records $Version: 100$ =====", then one record per token).
// Nobody publishes the format; hwtotp reads it as LinOTP (linotp/lib/ImportOTP/eTokenDat.py)
// and multiOTP (multiotp.class.php ImportTokensFromAlpineDat) do:
//     dn: sccAuthenticatorId=SERIAL
//     objectclass: sccCompatibleToken
//     sccAuthenticatorId: SERIAL
//     sccTokenType: eToken-PASS-TS
//     sccTokenData: sccKey=HEX;sccMode=T;sccPwLen=6;sccVer=6.20;sccTick=30;sccPrTime=...
//     sccSignature: BASE64
// A blank line (LinOTP) or the sccSignature line (multiOTP) ends a record; a line that starts
// with a space continues the one before (LDIF folding). sccTokenData: sccKey the seed in hex,
// sccMode E (event, HOTP, the default) or T (time), sccPwLen the digits (6), sccTick the step
// (30), crypto HmacSHA1 (default), HmacSHA256 or HmacSHA512, sccSeq the next event counter
// (multiOTP sets the last event to sccSeq - 1), sccPrTime when the token was programmed and
// sccVer the firmware: both informational. The signature is the vendor's and is not checked
// (its key is not published).
//
// Time tokens do not count from the Unix epoch: LinOTP's DatToken counts from 1 January 2000
// ("timebased eToken ... starts the timecount with 1.1.2000 and not in 1.1.1970", a timeShift
// of minus that date), so T0 = 946684800 (2000-01-01T00:00:00Z). docs/vendor-formats.md has
// the details.

#include <algorithm>
#include <optional>
#include <vector>

#include "hwtotp/store/vendor_import.h"
#include "hwtotp/totp/codec.h"
#include "import_skip.h"
#include "text_util.h"
#include "vendor_record.h"

namespace hwtotp::store {
namespace {

struct DatField {
    std::string_view key;
    std::string value;  // unfolded; may hold the seed: wiped by DatRecord::reset
    std::size_t line = 0;
};

// One record's fields. The values are copies (folded lines are joined), so they are wiped.
struct DatRecord {
    std::size_t first_line = 0;
    std::vector<DatField> fields;

    DatRecord() = default;
    DatRecord(const DatRecord&) = delete;
    DatRecord& operator=(const DatRecord&) = delete;
    ~DatRecord() { reset(); }

    void reset() {
        for (auto& f : fields)
            wipe_memory(f.value.data(), f.value.capacity());
        fields.clear();
        first_line = 0;
    }

    [[nodiscard]] const DatField* find(std::string_view key) const {
        for (const auto& f : fields) {
            if (text::iequals(f.key, key))
                return &f;
        }
        return nullptr;
    }
    [[nodiscard]] std::string what() const {
        return "record at line " + std::to_string(first_line);
    }
};

// The sccTokenData "key=value;key=value" pairs, in order.
std::vector<std::pair<std::string_view, std::string_view>> token_data_pairs(std::string_view data) {
    std::vector<std::pair<std::string_view, std::string_view>> pairs;
    while (!data.empty()) {
        const auto semi = data.find(';');
        const std::string_view item = text::trim(data.substr(0, semi));
        data = semi == std::string_view::npos ? std::string_view{} : data.substr(semi + 1);
        if (item.empty())
            continue;
        const auto eq = item.find('=');
        pairs.emplace_back(text::trim(item.substr(0, eq)), eq == std::string_view::npos
                                                               ? std::string_view{}
                                                               : text::trim(item.substr(eq + 1)));
    }
    return pairs;
}

// "2011/05/03 02:46:54"
bool is_programming_time(std::string_view t) {
    if (t.size() != 19 || t[4] != '/' || t[7] != '/' || t[10] != ' ' || t[13] != ':' ||
        t[16] != ':')
        return false;
    for (const std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U, 11U, 12U, 14U, 15U, 17U, 18U}) {
        if (t[i] < '0' || t[i] > '9')
            return false;
    }
    return true;
}

struct TokenData {
    std::string_view key, mode = "E", digits, tick, crypto, sequence, programmed;
    std::vector<std::string_view> unknown;
};

TokenData read_token_data(std::string_view data) {
    TokenData t;
    for (const auto& [k, v] : token_data_pairs(data)) {
        const std::string key = text::lower(k);
        if (key == "scckey")
            t.key = v;
        else if (key == "sccmode")
            t.mode = v;
        else if (key == "sccpwlen")
            t.digits = v;
        else if (key == "scctick")
            t.tick = v;
        else if (key == "crypto")
            t.crypto = v;
        else if (key == "sccseq")
            t.sequence = v;
        else if (key == "sccprtime")
            t.programmed = v;
        else if (key != "sccver")
            t.unknown.push_back(k);
    }
    return t;
}

// Why the record's token cannot be used, or "".
std::string unsupported_reason(const TokenData& t) {
    if (!text::iequals(t.mode, "E") && !text::iequals(t.mode, "T")) {
        return "sccMode '" + std::string(t.mode.substr(0, 16)) +
               "' (accepted: E for event, T for time tokens)";
    }
    if (!t.crypto.empty() && !text::iequals(t.crypto, "HmacSHA1") &&
        !text::iequals(t.crypto, "HmacSHA256") && !text::iequals(t.crypto, "HmacSHA512")) {
        return "crypto '" + std::string(t.crypto.substr(0, 24)) +
               "' (accepted: HmacSHA1, HmacSHA256, HmacSHA512)";
    }
    return {};
}

Result<NewToken> read_token(const DatRecord& r, const TokenData& t, std::string_view source) {
    NewToken token;
    TokenDescription& d = token.description;
    d.source = std::string(source);
    d.serial = r.find("sccAuthenticatorId")->value;
    HWTOTP_TRY(check_serial(d.serial));
    if (const auto* type = r.find("sccTokenType"))
        d.label = type->value;
    d.manufacturer = "SafeNet";
    if (t.key.empty())
        return fail(ErrorCode::invalid_input, "sccTokenData has no sccKey");
    auto seed = hex_decode_secret(t.key);
    if (!seed)
        return fail(ErrorCode::invalid_input, "sccKey (hex): " + seed.error().message);
    token.seed = std::move(*seed);
    std::int64_t digits = 6;
    if (!t.digits.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(digits, text::parse_int(t.digits, "sccPwLen"));
    }
    if (digits < Params::min_digits || digits > Params::max_digits)
        return fail(ErrorCode::invalid_input, "sccPwLen " + std::to_string(digits) + " (6..8)");
    std::int64_t period = 30;
    if (!t.tick.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(period, text::parse_int(t.tick, "sccTick"));
    }
    if (!t.programmed.empty() && !is_programming_time(t.programmed)) {
        return fail(ErrorCode::invalid_input,
                    "sccPrTime is not of the form 2011/05/03 02:46:54 (year/month/day)");
    }
    Hash hash = Hash::sha1;
    if (text::iequals(t.crypto, "HmacSHA256"))
        hash = Hash::sha256;
    else if (text::iequals(t.crypto, "HmacSHA512"))
        hash = Hash::sha512;
    const bool time_based = text::iequals(t.mode, "T");
    d.type = time_based ? OtpType::totp : OtpType::hotp;
    HWTOTP_ASSIGN_OR_RETURN(d.params, Params::create(hash, static_cast<int>(digits), period,
                                                     time_based ? etoken_t0 : 0));
    if (!time_based && !t.sequence.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(const std::int64_t sequence, text::parse_int(t.sequence, "sccSeq"));
        if (sequence < 0)
            return fail(ErrorCode::invalid_input, "sccSeq is negative");
        d.counter = static_cast<std::uint64_t>(sequence);
    }
    return token;
}

// Appends to a value that may hold the seed: a grown string would free its old buffer
// unwiped, so the value moves to a new buffer and the old one is wiped first.
void append_wiping(std::string& value, std::string_view more) {
    std::string grown;
    grown.reserve(value.size() + more.size());
    grown.append(value).append(more);
    wipe_memory(value.data(), value.capacity());
    value.swap(grown);
}

// Splits the text into records, line by line.
class DatReader {
  public:
    explicit DatReader(std::string_view text) : text_(text) {}

    // Fills `out` with the next record; false at the end of the text.
    Result<bool> next(DatRecord& out) {
        out.reset();
        if (carry_) {
            out.first_line = carry_->line;
            out.fields.push_back(std::move(*carry_));
            carry_.reset();
        }
        while (pos_ <= text_.size()) {
            const auto nl = text_.find('\n', pos_);
            const std::size_t end = nl == std::string_view::npos ? text_.size() : nl;
            std::string_view raw = text_.substr(pos_, end - pos_);
            pos_ = end + 1;
            ++line_;
            if (raw.ends_with('\r'))
                raw.remove_suffix(1);
            if (raw.starts_with(' ') && !out.fields.empty()) {
                append_wiping(out.fields.back().value, raw.substr(1));  // LDIF folding
                continue;
            }
            const std::string_view line = text::trim(raw);
            if (line.empty()) {
                if (!out.fields.empty())
                    return true;
                continue;
            }
            if (line.front() == '#')
                continue;
            const auto colon = line.find(':');
            if (colon == std::string_view::npos || colon == 0) {
                return fail(ErrorCode::invalid_input,
                            "line " + std::to_string(line_) + ": expected 'name: value'");
            }
            std::string_view value = line.substr(colon + 1);
            if (value.starts_with(':'))
                value.remove_prefix(1);  // LDIF "name:: base64" (only the signature uses it)
            DatField field{text::trim(line.substr(0, colon)), std::string(text::trim(value)),
                           line_};
            if (text::iequals(field.key, "dn") && out.find("sccAuthenticatorId") != nullptr) {
                carry_.emplace(std::move(field));  // a new record without a blank line before
                return true;
            }
            if (out.fields.empty())
                out.first_line = line_;
            const bool last = text::iequals(field.key, "sccSignature");
            out.fields.push_back(std::move(field));
            if (last)
                return true;
        }
        return !out.fields.empty();
    }

    [[nodiscard]] std::size_t position() const { return std::min(pos_, text_.size()); }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 0;
    std::optional<DatField> carry_;
};

}  // namespace

Result<std::size_t> read_etoken_dat(std::string_view text_in, std::string_view source,
                                    const ImportCallbacks& callbacks) {
    DatReader reader(text_in);
    DatRecord r;
    std::size_t tokens = 0;
    std::size_t skipped = 0;
    for (;;) {
        HWTOTP_ASSIGN_OR_RETURN(const bool more, reader.next(r));
        if (!more)
            break;
        const auto* serial = r.find("sccAuthenticatorId");
        const auto* data = r.find("sccTokenData");
        if (serial == nullptr || data == nullptr) {
            return fail(
                ErrorCode::invalid_input,
                r.what() + ": no " +
                    (serial == nullptr ? "sccAuthenticatorId (the serial)" : "sccTokenData"));
        }
        const std::string name = record_name(r.what(), serial->value);
        const TokenData token_data = read_token_data(data->value);
        if (auto reason = unsupported_reason(token_data); !reason.empty()) {
            HWTOTP_TRY(skip_or_refuse(callbacks, name + ": " + reason));
            ++skipped;
            continue;
        }
        auto token = read_token(r, token_data, source);
        if (!token)
            return tl::unexpected(in_record(r.what(), serial->value, token.error()));
        if (!token_data.unknown.empty() && callbacks.warn) {
            std::string names;
            for (auto k : token_data.unknown)
                names += (names.empty() ? "" : ", ") + std::string(k.substr(0, 24));
            callbacks.warn(name +
                           ": sccTokenData fields not known to hwtotp were ignored: " + names);
        }
        HWTOTP_TRY(callbacks.sink(std::move(*token), r.what()));
        ++tokens;
        if (callbacks.progress && tokens % 256 == 0)
            callbacks.progress(reader.position(), text_in.size());
    }
    return tokens_read(tokens, skipped, source);
}

}  // namespace hwtotp::store
