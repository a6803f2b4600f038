#pragma once
// Seed export: tokens from the registry out to the files verifiers and vendors read.
//
// - PSKC (RFC 6030): seeds AES-CBC encrypted under a pre-shared key or a PBKDF2 password, each
//   with a ValueMAC (HMAC-SHA256 under a random MAC key carried encrypted in MACMethod); plain
//   only when asked for explicitly. Carries everything the registry knows of a token's codes.
// - pam_oath usersfile, Microsoft Entra CSV, privacyIDEA OATH CSV, otpauth:// URI lists: what
//   each format can carry. A token a format cannot carry is refused by serial with the reason
//   (never written wrong); docs/vendor-formats.md says what each format keeps.
//
// Every export reads back with import_file() into the same tokens (import(export(x)) = x) for
// what the format carries. The output is a new file, 0600, written beside its final name and
// renamed into place when complete: no partial file is ever left, an existing file is replaced
// only when asked, a symbolic link is never followed, and seeds never go to a terminal or any
// other non-regular file. Seeds are wiped from memory after use. No message holds a seed.
// Tokens are read from the registry one at a time as they are written (Registry::for_each_token),
// so memory does not grow with their number (pam-oath, which reorders them, holds every token's
// description first, never a seed).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/store/registry.h"
#include "hwtotp/totp/error.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::store {

enum class ExportFormat { pskc, pam_oath, entra_csv, privacyidea_csv, uri };

// "pskc", "pam-oath", "entra-csv", "privacyidea-csv" or "uri" (any case).
[[nodiscard]] Result<ExportFormat> parse_export_format(std::string_view text);
[[nodiscard]] std::string_view export_format_name(ExportFormat format);

// python-pskc's default PBKDF2 iteration count (pskc/encryption.py), used for password exports.
inline constexpr std::uint64_t default_export_pbkdf2_iterations = 100'000;

// How a PSKC export protects the seeds: exactly one of a pre-shared key (16, 24 or 32 bytes:
// AES-128/192/256-CBC), a password (PBKDF2-HMAC-SHA256, random 16-byte salt, AES-128-CBC), or
// plain (seeds readable by anyone who reads the file).
struct PskcProtection {
    Secret key;
    Secret password;
    bool plain = false;
    std::uint64_t pbkdf2_iterations = default_export_pbkdf2_iterations;
};

// How a refusal to overwrite an existing output ends; the CLI puts its option in its place.
inline constexpr std::string_view replace_output_hint = "ask to replace it";

struct ExportRequest {
    ExportFormat format = ExportFormat::pskc;
    std::string output;                // the file to write
    bool replace = false;              // an existing file is replaced (else refused)
    std::vector<std::string> serials;  // the tokens to write, in this order; empty: all
    PskcProtection pskc;               // PSKC only
    // URI only: also one QR code PNG per token in this existing directory, which must belong to
    // the caller and be writable by no one else. Empty: none.
    std::string qr_dir;
};

struct ExportSummary {
    ExportFormat format = ExportFormat::pskc;
    std::size_t written = 0;
    std::size_t qr_codes = 0;
    // With all tokens asked for: those the format cannot carry, "SERIAL: reason", left out.
    std::vector<std::string> skipped;
};

struct ExportCallbacks {
    // Non-fatal findings: what the format leaves out ("3 tokens' clock offsets are not carried").
    std::function<void(const std::string&)> warn;
};

// Writes the tokens. Named serials that are absent are not_found; a named token the format
// cannot carry is invalid_input naming its serial and why. With all tokens, those are skipped
// (ExportSummary::skipped) unless none is left. Registry errors stay registry.
[[nodiscard]] Result<ExportSummary> export_tokens(Registry& registry, const ExportRequest& request,
                                                  const ExportCallbacks& callbacks = {});

}  // namespace hwtotp::store
