#pragma once
// The key-source and parameter options shared by every command that needs a seed
// (DESIGN "Key source"): exactly one of --secret, --hex, --uri, --secret-file, --token, plus
// --algorithm, --digits, --period, --t0 and, for HOTP, --hotp --counter.

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "context.h"
#include "hwtotp/totp/otpauth.h"
#include "hwtotp/totp/params.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::cli {

struct KeyOptions {
    std::string secret_base32;
    std::string secret_hex;
    std::string uri;
    std::string secret_file;
    std::string token;  // a serial in the registry

    // Parameters as typed (empty: not given), parsed in resolve_key for precise messages.
    std::string algorithm;
    std::string digits;
    std::string period;
    std::string t0;
    bool hotp = false;
    std::string counter;
};

// A seed with its parameters, ready to compute codes.
struct ResolvedKey {
    Secret secret;
    Params params = Params::standard();
    OtpType type = OtpType::totp;
    std::uint64_t counter = 0;   // HOTP
    std::string serial;          // from the registry or a seed file, when known
    std::string source;          // "--secret", "--token GAKT...", ... (for messages; no secret)
    bool params_stated = false;  // the source states its parameters (a URI, the registry)
};

// Declares the options on `command`.
void add_key_options(CLI::App& command, KeyOptions& options);

// True when any key source was given.
[[nodiscard]] bool has_key_source(const KeyOptions& options);

// The registry's answer for --token SERIAL (token_source.cpp).
[[nodiscard]] Result<ResolvedKey> load_token_key(const std::string& serial, Context& ctx);

// Reads the one key source given and applies the parameter options over the source's own.
// Fails when none or several sources were given, or on any malformed value.
[[nodiscard]] Result<ResolvedKey> resolve_key(const KeyOptions& options, Context& ctx);

// For commands that need a clock (check, enroll, resync): refuses --hotp and --counter before
// anything else is parsed, so that the first message already names the fix.
[[nodiscard]] Result<void> refuse_hotp_options(const KeyOptions& options,
                                               const std::string& command,
                                               const std::string& note = {});

// Fails unless `key` is a TOTP key: the key source itself (a registry token, a hotp URI) can
// make it HOTP once the flags have passed refuse_hotp_options.
[[nodiscard]] Result<void> require_totp(const ResolvedKey& key, const std::string& command,
                                        const std::string& note = {});

// "CODE has 6 digits but the token makes 8", with the fix: --digits when the parameters are the
// user's, the key source when it states them (--digits would contradict it).
[[nodiscard]] std::string code_length_mismatch(const std::string& what, int code_digits,
                                               const ResolvedKey& key);

}  // namespace hwtotp::cli
