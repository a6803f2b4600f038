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

}  // namespace

Result<KeyUri> parse_otpauth_uri(std::string_view uri) {
    constexpr std::string_view scheme = "otpauth://";
    if (uri.size() < scheme.size() || !iequals(uri.substr(0, scheme.size()), scheme)) {
        return fail(
            ErrorCode::invalid_input,
            "not an otpauth URI (accepted: otpauth://totp/LABEL?secret=... or otpauth://hotp/...)");
    }
    std::string_view rest = uri.substr(scheme.size());
    const auto slash = rest.find('/');
    const std::string_view type = rest.substr(0, slash);
    KeyUri key;
    if (iequals(type, "totp")) {
        key.type = OtpType::totp;
    } else if (iequals(type, "hotp")) {
        key.type = OtpType::hotp;
    } else {
        return fail(ErrorCode::invalid_input,
                    "otpauth URI: unknown type '" + std::string(type) + "' (accepted: totp, hotp)");
    }
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    const auto question = rest.find('?');
    const std::string_view raw_label = rest.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);

    // The separator is a literal ':' in the raw label (as format_otpauth_uri writes it), so an
    // issuer may itself hold an encoded colon. Labels whose separator was encoded as %3A are
    // split further below, once the issuer parameter is known.
    const auto colon = raw_label.find(':');
    std::string_view raw_account = raw_label;
    if (colon != std::string_view::npos) {
        auto issuer = percent_decode(raw_label.substr(0, colon), "label", false);
        if (!issuer)
            return tl::unexpected(issuer.error());
        key.issuer = std::move(*issuer);
        raw_account = raw_label.substr(colon + 1);
        while (raw_account.starts_with(' '))
            raw_account.remove_prefix(1);
    }
    auto account = percent_decode(raw_account, "label", false);
    if (!account)
        return tl::unexpected(account.error());
    key.account = std::move(*account);

    std::map<std::string, std::string> fields;
    std::size_t pos = 0;
    while (pos <= query.size() && !query.empty()) {
        const auto amp = query.find('&', pos);
        const std::string_view pair =
            query.substr(pos, amp == std::string_view::npos ? amp : amp - pos);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            auto name = percent_decode(pair.substr(0, eq), "parameter name", true);
            if (!name)
                return tl::unexpected(name.error());
            std::string lowered;
            for (char c : *name)
                lowered.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
            auto value = percent_decode(
                eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1),
                lowered == "secret" ? "secret" : "parameter " + lowered, true);
            if (!value)
                return tl::unexpected(value.error());
            if (fields.contains(lowered)) {
                wipe_memory(value->data(), value->size());
                return fail(ErrorCode::invalid_input,
                            "otpauth URI: parameter '" + lowered + "' is given twice");
            }
            fields.emplace(lowered, std::move(*value));
        }
        if (amp == std::string_view::npos)
            break;
        pos = amp + 1;
    }

    // Wipe the secret's text from the map however this function returns.
    struct WipeSecret {
        std::map<std::string, std::string>& f;
        ~WipeSecret() {
            if (auto it = f.find("secret"); it != f.end())
                wipe_memory(it->second.data(), it->second.size());
        }
    } wipe_secret{fields};

    const auto secret_it = fields.find("secret");
    if (secret_it == fields.end() || secret_it->second.empty()) {
        return fail(ErrorCode::invalid_input,
                    "otpauth URI has no secret parameter (accepted: secret=BASE32)");
    }
    auto secret = base32_decode(secret_it->second);
    if (!secret) {
        return fail(ErrorCode::invalid_input, "otpauth URI secret: " + secret.error().message);
    }
    key.secret = std::move(*secret);

    if (auto it = fields.find("issuer"); it != fields.end()) {
        // "ACME%3Aalice" with issuer=ACME: the separator was encoded.
        if (colon == std::string_view::npos && !it->second.empty() &&
            key.account.starts_with(it->second + ":")) {
            key.account.erase(0, it->second.size() + 1);
        }
        key.issuer = it->second;  // the parameter wins over the label prefix, as the spec advises
    }
    Hash hash = Hash::sha1;
    if (auto it = fields.find("algorithm"); it != fields.end()) {
        auto parsed = parse_hash(it->second);
        if (!parsed)
            return fail(ErrorCode::invalid_input, "otpauth URI: " + parsed.error().message);
        hash = *parsed;
    }
    int digits = 6;
    if (auto it = fields.find("digits"); it != fields.end()) {
        auto parsed = parse_int<int>(it->second, "digits");
        if (!parsed)
            return tl::unexpected(parsed.error());
        digits = *parsed;
    }
    std::int64_t period = 30;
    if (auto it = fields.find("period"); it != fields.end()) {
        auto parsed = parse_int<std::int64_t>(it->second, "period");
        if (!parsed)
            return tl::unexpected(parsed.error());
        period = *parsed;
    }
    if (auto it = fields.find("counter"); it != fields.end()) {
        HWTOTP_ASSIGN_OR_RETURN(key.counter, parse_int<std::uint64_t>(it->second, "counter"));
        HWTOTP_TRY(uri_limit(limits::check_counter(key.counter)));
    } else if (key.type == OtpType::hotp) {
        return fail(ErrorCode::invalid_input, "otpauth URI: a hotp URI needs a counter parameter");
    }
    HWTOTP_TRY(uri_limit(limits::check_text("issuer", key.issuer)));
    HWTOTP_TRY(uri_limit(limits::check_text("account", key.account)));
    auto params = Params::create(hash, digits, period, 0);
    if (!params)
        return fail(ErrorCode::invalid_input, "otpauth URI: " + params.error().message);
    key.params = *params;
    for (auto& [name, value] : fields) {
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
