#include "hwtotp/totp/otpauth.h"

#include <cctype>
#include <charconv>
#include <map>

#include "hex_digit.h"
#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/limits.h"

namespace hwtotp {
namespace {

Result<std::string> percent_decode(std::string_view text, std::string_view what,
                                   bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%') {
            const bool complete = i + 2 < text.size();
            const int hi = complete ? detail::hex_digit(text[i + 1]) : -1;
            const int lo = complete ? detail::hex_digit(text[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                return fail(ErrorCode::invalid_input, "otpauth URI: bad percent-escape in the " +
                                                          std::string(what) +
                                                          " (accepted: %XX with two hex digits)");
            }
            out.push_back(static_cast<char>((hi << 4) | lo));
            i += 2;
        } else if (plus_is_space && text[i] == '+') {
            out.push_back(' ');
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// The parameters parse_otpauth_uri reads itself; any other lands in KeyUri::extra.
bool is_defined_parameter(std::string_view name) {
    for (std::string_view defined :
         {"secret", "issuer", "algorithm", "digits", "period", "counter"}) {
        if (name == defined)
            return true;
    }
    return false;
}

std::string percent_encode(std::string_view text) {
    static constexpr std::string_view digits = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~' || c == '@';
        if (unreserved) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(digits[u >> 4]);
            out.push_back(digits[u & 0xfU]);
        }
    }
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto x = static_cast<unsigned char>(a[i]);
        const auto y = static_cast<unsigned char>(b[i]);
        if (std::tolower(x) != std::tolower(y))
            return false;
    }
    return true;
}

template <typename Int>
Result<Int> parse_int(std::string_view text, std::string_view name) {
    Int value{};
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
        return fail(ErrorCode::invalid_input, "otpauth URI: " + std::string(name) + "='" +
                                                  std::string(text) + "' is not a whole number");
    }
    return value;
}

// A limits.h check, its message prefixed as this parser's other messages are.
Result<void> uri_limit(Result<void> checked) {
    if (!checked)
        return tl::unexpected(with_context("otpauth URI: ", std::move(checked).error()));
    return {};
}

// "otpauth://TYPE/LABEL?QUERY" taken apart, the type read; label and query still encoded.
struct UriParts {
    OtpType type = OtpType::totp;
    std::string_view raw_label;
    std::string_view query;
};

Result<UriParts> split_uri(std::string_view uri) {
    constexpr std::string_view scheme = "otpauth://";
    if (uri.size() < scheme.size() || !iequals(uri.substr(0, scheme.size()), scheme)) {
        return fail(
            ErrorCode::invalid_input,
            "not an otpauth URI (accepted: otpauth://totp/LABEL?secret=... or otpauth://hotp/...)");
    }
    std::string_view rest = uri.substr(scheme.size());
    const auto slash = rest.find('/');
    const std::string_view type = rest.substr(0, slash);
    UriParts parts;
    if (iequals(type, "totp")) {
        parts.type = OtpType::totp;
    } else if (iequals(type, "hotp")) {
        parts.type = OtpType::hotp;
    } else {
        return fail(ErrorCode::invalid_input,
                    "otpauth URI: unknown type '" + std::string(type) + "' (accepted: totp, hotp)");
    }
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    const auto question = rest.find('?');
    parts.raw_label = rest.substr(0, question);
    parts.query =
        question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);
    return parts;
}

// The label's issuer and account. The separator is a literal ':' in the raw label (as
// format_otpauth_uri writes it), so an issuer may itself hold an encoded colon. Labels whose
// separator was encoded as %3A are split in apply_issuer, once the issuer parameter is known.
Result<void> parse_label(std::string_view raw_label, KeyUri& key) {
    const auto colon = raw_label.find(':');
    std::string_view raw_account = raw_label;
    if (colon != std::string_view::npos) {
        HWTOTP_ASSIGN_OR_RETURN(key.issuer,
                                percent_decode(raw_label.substr(0, colon), "label", false));
        raw_account = raw_label.substr(colon + 1);
        while (raw_account.starts_with(' '))
            raw_account.remove_prefix(1);
    }
    HWTOTP_ASSIGN_OR_RETURN(key.account, percent_decode(raw_account, "label", false));
    return {};
}

// The query's parameters by lower-case name, percent-decoded. The secret's text is wiped
// however the parse ends, with the map.
struct UriFields {
    std::map<std::string, std::string> map;
    UriFields() = default;
    UriFields(const UriFields&) = delete;
    UriFields& operator=(const UriFields&) = delete;
    ~UriFields() {
        if (auto it = map.find("secret"); it != map.end())
            wipe_memory(it->second.data(), it->second.size());
    }
    [[nodiscard]] const std::string* find(const std::string& name) const {
        const auto it = map.find(name);
        return it == map.end() ? nullptr : &it->second;
    }
};

Result<void> parse_field(std::string_view pair, UriFields& fields) {
    const auto eq = pair.find('=');
    HWTOTP_ASSIGN_OR_RETURN(const auto name,
                            percent_decode(pair.substr(0, eq), "parameter name", true));
    std::string lowered;
    for (char c : name)
        lowered.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    HWTOTP_ASSIGN_OR_RETURN(
        auto value,
        percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1),
                       lowered == "secret" ? "secret" : "parameter " + lowered, true));
    if (fields.map.contains(lowered)) {
        wipe_memory(value.data(), value.size());
        return fail(ErrorCode::invalid_input,
                    "otpauth URI: parameter '" + lowered + "' is given twice");
    }
    fields.map.emplace(lowered, std::move(value));
    return {};
}

Result<void> parse_query(std::string_view query, UriFields& fields) {
    std::size_t pos = 0;
    while (pos <= query.size() && !query.empty()) {
        const auto amp = query.find('&', pos);
        const std::string_view pair =
            query.substr(pos, amp == std::string_view::npos ? amp : amp - pos);
        if (!pair.empty())
            HWTOTP_TRY(parse_field(pair, fields));
        if (amp == std::string_view::npos)
            break;
        pos = amp + 1;
    }
    return {};
}

Result<Secret> parse_secret(const UriFields& fields) {
    const std::string* text = fields.find("secret");
    if (text == nullptr || text->empty()) {
        return fail(ErrorCode::invalid_input,
                    "otpauth URI has no secret parameter (accepted: secret=BASE32)");
    }
    auto secret = base32_decode(*text);
    if (!secret)
        return fail(ErrorCode::invalid_input, "otpauth URI secret: " + secret.error().message);
    return secret;
}

// The issuer parameter wins over the label prefix, as the spec advises; "ACME%3Aalice" with
// issuer=ACME had its separator encoded.
void apply_issuer(const UriFields& fields, bool label_has_colon, KeyUri& key) {
    const std::string* issuer = fields.find("issuer");
    if (issuer == nullptr)
        return;
    if (!label_has_colon && !issuer->empty() && key.account.starts_with(*issuer + ":"))
        key.account.erase(0, issuer->size() + 1);
    key.issuer = *issuer;
}

// algorithm, digits and period as given (defaults SHA-1, 6, 30), not yet checked together.
struct ParamFields {
    Hash hash = Hash::sha1;
    int digits = 6;
    std::int64_t period = 30;
};

Result<ParamFields> parse_param_fields(const UriFields& fields) {
    ParamFields p;
    if (const std::string* algorithm = fields.find("algorithm")) {
        auto parsed = parse_hash(*algorithm);
        if (!parsed)
            return fail(ErrorCode::invalid_input, "otpauth URI: " + parsed.error().message);
        p.hash = *parsed;
    }
    if (const std::string* digits = fields.find("digits")) {
        HWTOTP_ASSIGN_OR_RETURN(p.digits, parse_int<int>(*digits, "digits"));
    }
    if (const std::string* period = fields.find("period")) {
        HWTOTP_ASSIGN_OR_RETURN(p.period, parse_int<std::int64_t>(*period, "period"));
    }
    return p;
}

Result<void> parse_counter(const UriFields& fields, KeyUri& key) {
    if (const std::string* counter = fields.find("counter")) {
        HWTOTP_ASSIGN_OR_RETURN(key.counter, parse_int<std::uint64_t>(*counter, "counter"));
        return uri_limit(limits::check_counter(key.counter));
    }
    if (key.type == OtpType::hotp)
        return fail(ErrorCode::invalid_input, "otpauth URI: a hotp URI needs a counter parameter");
    return {};
}

}  // namespace

// A URI with several faults is refused for the first in this order: shape, label, query,
// secret, algorithm/digits/period, counter, lengths, then the parameters together.
Result<KeyUri> parse_otpauth_uri(std::string_view uri) {
    HWTOTP_ASSIGN_OR_RETURN(const auto parts, split_uri(uri));
    KeyUri key;
    key.type = parts.type;
    HWTOTP_TRY(parse_label(parts.raw_label, key));
    UriFields fields;
    HWTOTP_TRY(parse_query(parts.query, fields));
    HWTOTP_ASSIGN_OR_RETURN(key.secret, parse_secret(fields));
    apply_issuer(fields, parts.raw_label.find(':') != std::string_view::npos, key);
    HWTOTP_ASSIGN_OR_RETURN(const auto p, parse_param_fields(fields));
    HWTOTP_TRY(parse_counter(fields, key));
    HWTOTP_TRY(uri_limit(limits::check_text("issuer", key.issuer)));
    HWTOTP_TRY(uri_limit(limits::check_text("account", key.account)));
    auto params = Params::create(p.hash, p.digits, p.period, 0);
    if (!params)
        return fail(ErrorCode::invalid_input, "otpauth URI: " + params.error().message);
    key.params = *params;
    for (auto& [name, value] : fields.map) {
        if (!is_defined_parameter(name))
            key.extra.emplace(name, std::move(value));
    }
    return key;
}

std::string format_otpauth_uri(const KeyUri& key) {
    std::string label = key.issuer.empty()
                            ? percent_encode(key.account)
                            : percent_encode(key.issuer) + ":" + percent_encode(key.account);
    std::string secret = base32_encode(key.secret.expose());
    std::string uri = std::string("otpauth://") + (key.type == OtpType::totp ? "totp/" : "hotp/") +
                      label + "?secret=" + secret;
    wipe_memory(secret.data(), secret.size());
    if (!key.issuer.empty()) {
        uri += "&issuer=" + percent_encode(key.issuer);
    }
    std::string algorithm(hash_name(key.params.hash()));
    for (auto& c : algorithm)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    uri += "&algorithm=" + algorithm;
    uri += "&digits=" + std::to_string(key.params.digits());
    // A HOTP URI keeps a non-default period too, so that parsing the result gives back the same
    // parameters (found by fuzz_otpauth).
    if (key.type == OtpType::totp || key.params.period() != 30) {
        uri += "&period=" + std::to_string(key.params.period());
    }
    if (key.type == OtpType::hotp || key.counter != 0) {
        uri += "&counter=" + std::to_string(key.counter);
    }
    for (const auto& [name, value] : key.extra) {
        if (!is_defined_parameter(name))
            uri += "&" + percent_encode(name) + "=" + percent_encode(value);
    }
    return uri;
}

}  // namespace hwtotp
