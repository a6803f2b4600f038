#include "key_options.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>

#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/limits.h"
#include "number_option.h"

namespace hwtotp::cli {
namespace {

constexpr std::size_t max_secret_file_bytes = 64 * 1024;

// Holds text that contains key material and wipes it on every return path.
struct SecretText {
    std::string text;
    SecretText() = default;
    SecretText(const SecretText&) = delete;
    SecretText& operator=(const SecretText&) = delete;
    ~SecretText() { wipe_memory(text.data(), text.size()); }
};

Result<void> read_secret_file(const std::string& path, Context& ctx, SecretText& out) {
    if (path == "-") {
        std::istreambuf_iterator<char> it(ctx.in), end;
        for (; it != end && out.text.size() <= max_secret_file_bytes; ++it) {
            out.text.push_back(*it);
        }
    } else {
        std::ifstream file(path, std::ios::binary);
        if (!file) {
            return fail(ErrorCode::not_found,
                        "--secret-file " + path +
                            ": cannot be opened (give a readable file, or - for stdin)");
        }
        std::istreambuf_iterator<char> it(file), end;
        for (; it != end && out.text.size() <= max_secret_file_bytes; ++it) {
            out.text.push_back(*it);
        }
    }
    if (out.text.size() > max_secret_file_bytes) {
        return fail(ErrorCode::invalid_input,
                    "--secret-file " + path + ": larger than 64 KiB; a seed file holds one seed");
    }
    // Trim surrounding white space (a trailing newline is the usual case).
    const auto first = out.text.find_first_not_of(" \t\r\n");
    const auto last = out.text.find_last_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return fail(
            ErrorCode::invalid_input,
            "--secret-file " + path + ": is empty (accepted: base32, hex or an otpauth:// URI)");
    }
    std::string trimmed = out.text.substr(first, last - first + 1);
    wipe_memory(out.text.data(), out.text.size());
    out.text = std::move(trimmed);
    return {};
}

bool is_hex_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A seed file holds base32, hex or a URI. Base32 never contains 0, 1, 8 or 9, so text made of
// hex digits with one of those is hex; text that reads as both is refused rather than guessed.
Result<ResolvedKey> decode_uri(std::string_view text, const std::string& source) {
    auto uri = parse_otpauth_uri(text);
    if (!uri)
        return fail(uri.error().code, source + ": " + uri.error().message);
    ResolvedKey key;
    key.source = source;
    key.secret = std::move(uri->secret);
    key.params = uri->params;
    key.type = uri->type;
    key.counter = uri->counter;
    return key;
}

bool looks_like_uri(std::string_view text) {
    return text.starts_with("otpauth://") || text.starts_with("OTPAUTH://");
}

Result<ResolvedKey> decode_secret_text(std::string_view text, const std::string& source) {
    if (looks_like_uri(text)) {
        return decode_uri(text, source);
    }
    ResolvedKey key;
    key.source = source;
    auto with_source = [&](const Error& e) { return fail(e.code, source + ": " + e.message); };
    if (text.starts_with("hex:") || text.starts_with("base32:")) {
        const bool hex = text.starts_with("hex:");
        auto decoded = hex ? hex_decode_secret(text.substr(4)) : base32_decode(text.substr(7));
        if (!decoded)
            return with_source(decoded.error());
        key.secret = std::move(*decoded);
        return key;
    }
    bool all_hex = true;
    bool has_non_base32_digit = false;
    for (char c : text) {
        if (c == ' ' || c == ':')
            continue;
        all_hex = all_hex && is_hex_char(c);
        has_non_base32_digit = has_non_base32_digit || c == '0' || c == '1' || c == '8' || c == '9';
    }
    if (all_hex && has_non_base32_digit) {
        auto decoded = hex_decode_secret(text);
        if (!decoded)
            return with_source(decoded.error());
        key.secret = std::move(*decoded);
        return key;
    }
    if (all_hex) {
        return fail(
            ErrorCode::invalid_input,
            source + ": the seed reads as both hex and base32; prefix it with hex: or base32:");
    }
    auto decoded = base32_decode(text);
    if (!decoded)
        return with_source(decoded.error());
    key.secret = std::move(*decoded);
    return key;
}

// Explicit parameter options override the defaults, but contradicting a source that states its
// own value (a URI, the registry) is an error: the token computes with what it was given.
template <typename T>
Result<T> merge_param(const std::string& option, const std::string& text, T source_value,
                      bool source_states, Result<T> parsed) {
    if (text.empty())
        return source_value;
    HWTOTP_ASSIGN_OR_RETURN(const T value, std::move(parsed));
    if (source_states && value != source_value) {
        return fail(ErrorCode::invalid_input, option + " " + text +
                                                  " contradicts the key source, which says " +
                                                  std::to_string(source_value));
    }
    return value;
}

}  // namespace

void add_key_options(CLI::App& command, KeyOptions& o) {
    auto* group = command.add_option_group("Key source", "Exactly one of these gives the seed");
    auto* secret = group
                       ->add_option("--secret", o.secret_base32,
                                    "Seed in base32 (visible in ps: prefer --secret-file)")
                       ->type_name("BASE32");
    auto* hex =
        group->add_option("--hex", o.secret_hex, "Seed in hex (visible in ps)")->type_name("HEX");
    auto* uri =
        group->add_option("--uri", o.uri, "otpauth:// key URI (visible in ps)")->type_name("URI");
    auto* file = group
                     ->add_option("--secret-file", o.secret_file,
                                  "File holding base32, hex or an otpauth URI; - reads stdin")
                     ->type_name("PATH");
    auto* token = group->add_option("--token", o.token, "Serial of a token in the registry")
                      ->type_name("SERIAL");
    (void)secret, (void)hex, (void)uri, (void)file, (void)token;

    auto* params = command.add_option_group("Parameters");
    params->add_option("--algorithm", o.algorithm, "sha1 (default), sha256 or sha512")
        ->type_name("HASH");
    params->add_option("--digits", o.digits, "Code length: 6 (default), 7 or 8")->type_name("N");
    params->add_option("--period", o.period, "Time step in seconds (default 30)")
        ->type_name("SECONDS");
    params->add_option("--t0", o.t0, "Unix time of step 0 (default 0)")->type_name("EPOCH");
    params->add_flag("--hotp", o.hotp, "Counter-based HOTP (RFC 4226) instead of TOTP");
    params->add_option("--counter", o.counter, "HOTP counter")->type_name("N");
}

bool has_key_source(const KeyOptions& o) {
    return !o.secret_base32.empty() || !o.secret_hex.empty() || !o.uri.empty() ||
           !o.secret_file.empty() || !o.token.empty();
}

namespace {

Result<void> check_one_source(const KeyOptions& o, Context& ctx) {
    const int sources = int{!o.secret_base32.empty()} + int{!o.secret_hex.empty()} +
                        int{!o.uri.empty()} + int{!o.secret_file.empty()} + int{!o.token.empty()};
    if (sources == 0) {
        return fail(
            ErrorCode::invalid_input,
            "no key given (accepted: one of --secret, --hex, --uri, --secret-file, --token)");
    }
    if (sources > 1) {
        return fail(ErrorCode::invalid_input,
                    "more than one key source given (accepted: exactly one of --secret, --hex, "
                    "--uri, --secret-file, --token)");
    }
    if (!o.secret_base32.empty() || !o.secret_hex.empty() || !o.uri.empty()) {
        warn(ctx,
             "a seed on the command line is visible to other users (ps, shell history); "
             "prefer --secret-file - and pipe it");
    }
    return {};
}

// The seed and whatever the one source says about it; params_stated when the source states
// its own parameters (a URI, the registry).
Result<ResolvedKey> read_key_source(const KeyOptions& o, Context& ctx) {
    if (!o.secret_base32.empty()) {
        auto decoded = base32_decode(o.secret_base32);
        if (!decoded)
            return fail(decoded.error().code, "--secret: " + decoded.error().message);
        return ResolvedKey{
            std::move(*decoded), Params::standard(), OtpType::totp, 0, {}, "--secret", false};
    }
    if (!o.secret_hex.empty()) {
        auto decoded = hex_decode_secret(o.secret_hex);
        if (!decoded)
            return fail(decoded.error().code, "--hex: " + decoded.error().message);
        return ResolvedKey{
            std::move(*decoded), Params::standard(), OtpType::totp, 0, {}, "--hex", false};
    }
    if (!o.uri.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(auto key, decode_uri(o.uri, "--uri"));
        key.params_stated = true;
        return key;
    }
    if (!o.secret_file.empty()) {
        SecretText text;
        HWTOTP_TRY(read_secret_file(o.secret_file, ctx, text));
        HWTOTP_ASSIGN_OR_RETURN(auto key,
                                decode_secret_text(text.text, "--secret-file " + o.secret_file));
        key.params_stated = looks_like_uri(text.text);
        return key;
    }
    HWTOTP_ASSIGN_OR_RETURN(auto key, load_token_key(o.token, ctx));
    key.params_stated = true;
    return key;
}

// --algorithm, --digits, --period and --t0 over the source's own parameters.
Result<Params> merged_params(const KeyOptions& o, const Params& p, bool source_states_params) {
    Hash hash = p.hash();
    if (!o.algorithm.empty()) {
        auto parsed = parse_hash(o.algorithm);
        if (!parsed)
            return fail(parsed.error().code, "--algorithm: " + parsed.error().message);
        if (source_states_params && *parsed != p.hash()) {
            return fail(ErrorCode::invalid_input, "--algorithm " + o.algorithm +
                                                      " contradicts the key source, which says " +
                                                      std::string(hash_name(p.hash())));
        }
        hash = *parsed;
    }
    HWTOTP_ASSIGN_OR_RETURN(auto digits, merge_param<std::int64_t>(
                                             "--digits", o.digits, p.digits(), source_states_params,
                                             parse_integer(o.digits, "--digits", limits::min_digits,
                                                           limits::max_digits)));
    HWTOTP_ASSIGN_OR_RETURN(auto period, merge_param<std::int64_t>(
                                             "--period", o.period, p.period(), source_states_params,
                                             parse_integer(o.period, "--period", limits::min_period,
                                                           limits::max_period)));
    HWTOTP_ASSIGN_OR_RETURN(
        auto t0, merge_param<std::int64_t>(
                     "--t0", o.t0, p.t0(), source_states_params,
                     parse_integer(o.t0, "--t0", std::numeric_limits<std::int64_t>::min() / 2,
                                   std::numeric_limits<std::int64_t>::max() / 2)));
    return Params::create(hash, static_cast<int>(digits), period, t0);
}

// --hotp and --counter.
Result<void> apply_hotp_options(const KeyOptions& o, ResolvedKey& key) {
    if (o.hotp)
        key.type = OtpType::hotp;
    if (!o.counter.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(key.counter,
                                parse_unsigned(o.counter, "--counter", limits::max_counter));
        if (key.type != OtpType::hotp) {
            return fail(ErrorCode::invalid_input, "--counter is for HOTP tokens: add --hotp");
        }
    } else if (o.hotp && key.source.rfind("--uri", 0) != 0) {
        return fail(ErrorCode::invalid_input,
                    "--hotp needs --counter N (the token's event counter)");
    }
    return {};
}

}  // namespace

Result<ResolvedKey> resolve_key(const KeyOptions& o, Context& ctx) {
    HWTOTP_TRY(check_one_source(o, ctx));
    HWTOTP_ASSIGN_OR_RETURN(auto key, read_key_source(o, ctx));
    // Registry tokens were warned about when they were imported; a seed given here is new.
    if (o.token.empty()) {
        if (auto short_seed = limits::short_seed_warning(key.secret.size()))
            warn(ctx, key.source + ": " + *short_seed);
    }
    HWTOTP_ASSIGN_OR_RETURN(key.params, merged_params(o, key.params, key.params_stated));
    HWTOTP_TRY(apply_hotp_options(o, key));
    return key;
}

Result<void> refuse_hotp_options(const KeyOptions& options, const std::string& command,
                                 const std::string& note) {
    const char* given = options.hotp ? "--hotp" : !options.counter.empty() ? "--counter" : nullptr;
    if (given == nullptr)
        return {};
    return fail(ErrorCode::invalid_input,
                command + " is for TOTP (time-based) tokens" + note + "; drop " + given);
}

Result<void> require_totp(const ResolvedKey& key, const std::string& command,
                          const std::string& note) {
    if (key.type == OtpType::totp)
        return {};
    return fail(ErrorCode::invalid_input, command + " is for TOTP (time-based) tokens" + note +
                                              ", and " + key.source +
                                              " is a HOTP (counter-based) token");
}

std::string code_length_mismatch(const std::string& what, int code_digits, const ResolvedKey& key) {
    const std::string digits = std::to_string(key.params.digits());
    std::string text =
        what + " has " + std::to_string(code_digits) + " digits but the token makes " + digits;
    if (key.params_stated)
        return text + " (as " + key.source + " says; check the code)";
    return text + " (set --digits " + std::to_string(code_digits) + " if the token shows " +
           std::to_string(code_digits) + " digits)";
}

}  // namespace hwtotp::cli
