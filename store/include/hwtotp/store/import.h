#pragma once
// Seed import: PSKC (RFC 6030), CSV token lists, files of otpauth:// URIs, and the vendor and
// verifier formats of vendor_import.h.
//
// Readers turn a file into NewToken records, handing each to a sink as soon as it is decoded,
// named for errors ("KeyPackage 3 (serial X)", "line 4"). import_file() feeds them into one
// Registry::Import so that a bad record anywhere leaves the registry as it was.
//
// Errors about the file are invalid_input/crypto/io (exit 2); registry failures stay registry
// (exit 4). No message ever contains a seed.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "hwtotp/store/registry.h"
#include "hwtotp/store/token.h"
#include "hwtotp/totp/error.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::store {

enum class ImportFormat {
    pskc,
    csv,
    uri,
    safenet_xml,
    etoken_dat,
    entra_csv,
    privacyidea_csv,
    pam_oath,
};

// "pskc", "csv", "uri", "safenet-xml", "etoken-dat", "entra-csv", "privacyidea-csv" or
// "pam-oath" (any case).
[[nodiscard]] Result<ImportFormat> parse_import_format(std::string_view text);
[[nodiscard]] std::string_view import_format_name(ImportFormat format);
// By content first (import_format.cpp lists the marks: an XML root <Tokens> is SafeNet, any
// other XML PSKC; "otpauth://" URIs; a pam_oath token type; a SafeWord/eToken record; the Entra
// header; privacyIDEA's "# version:" line), else by extension (.xml .pskc .pskcxml / .csv /
// .uri .txt / .dat), else CSV.
[[nodiscard]] ImportFormat detect_import_format(std::string_view path, std::string_view content);

// How encrypted PSKC values are opened: a pre-shared key, or a password for PBKDF2
// (the file's DerivedKey gives salt, iteration count, key length and PRF). At most one.
struct PskcKeys {
    Secret key;       // empty: none given
    Secret password;  // empty: none given
};

struct ImportCallbacks {
    // Receives each decoded record; an error stops the reading and is returned as is.
    std::function<Result<void>(NewToken&& token, std::string_view what)> sink;
    // Non-fatal findings ("KeyPackage 1 (serial X): secret is 4 bytes; RFC 4226 requires 16").
    std::function<void(const std::string&)> warn;
    // Records done and total (total 0 when unknown), every few hundred records.
    std::function<void(std::size_t done, std::size_t total)> progress;
    // A record that holds no key hwtotp can use (a PIN or OCRA key, a TAN list, check-digit
    // codes), named with the reason: success skips it, an error stops the reading. Unset: the
    // reader fails, its message ending in skip_unsupported_hint.
    std::function<Result<void>(const std::string& record)> unsupported;
    // The import's time in Unix seconds, to warn about keys whose policy has expired (0: none).
    std::int64_t now = 0;
};

// How a refusal of an unsupported record ends; the CLI puts the name of its option in its place.
inline constexpr std::string_view skip_unsupported_hint =
    "skip unsupported keys to import the others";

// PSKC, split at KeyPackage boundaries while reading (pskc_chunker.h). Refuses any DOCTYPE (no
// entity expansion, nothing fetched). Accepts Key Algorithm URNs ending in hotp or totp;
// ResponseFormat Length (6..8) with Encoding or Format DECIMAL; Secret as PlainValue or
// EncryptedValue (AES-128/192/256-CBC with the IV prepended, or KW-AES128/192/256); MACMethod
// HMAC-SHA1/224/256/384/512 with an encrypted MACKey (or, as legacy files do, none: the encryption
// key then serves as MAC key). A ValueMAC is checked before a value is decrypted; a CBC-encrypted
// value without ValueMAC is refused. Counter, Time (taken as T0, Unix seconds), TimeInterval (the
// period) and TimeDrift (whole steps) as PlainValue or EncryptedValue. Suite names the hash
// (default SHA-1). Returns the number of records.
[[nodiscard]] Result<std::size_t> read_pskc(std::string_view xml, std::string_view source,
                                            const PskcKeys& keys, const ImportCallbacks& callbacks);

// The same, reading the file as it goes: one KeyPackage in memory at a time.
[[nodiscard]] Result<std::size_t> read_pskc_file(const std::string& path, const PskcKeys& keys,
                                                 const ImportCallbacks& callbacks);

// CSV: serial,seed[,type[,digits[,period[,algorithm]]]] — seed in hex (an even number of hex
// digits) or else base32; type totp (default) or hotp; digits 6..8 (default 6); period seconds
// (default 30); algorithm sha1 (default), sha256, sha512. Blank lines and lines starting with
// '#' are skipped; a first line whose first field is "serial" is a header. Fields are trimmed.
[[nodiscard]] Result<std::size_t> read_csv(std::string_view text, std::string_view source,
                                           const ImportCallbacks& callbacks);

// otpauth:// URIs, one a line (blank and '#' lines skipped). The serial is the URI's `serial=`
// parameter when present, else the label's account part (after "issuer:"); a URI with neither
// is an error.
[[nodiscard]] Result<std::size_t> read_uri_list(std::string_view text, std::string_view source,
                                                const ImportCallbacks& callbacks);

// The highest PBKDF2 IterationCount a PSKC file may ask for. RFC 8018 §4.2 recommends at least
// 1,000 and names 10,000,000 as the count for especially critical keys; OWASP's 2023 advice for
// PBKDF2-HMAC-SHA1 is 1,300,000 (python-pskc writes 100,000). A file asking for more is refused
// before any work: each ten million iterations cost about ten seconds of CPU.
inline constexpr std::int64_t max_pbkdf2_iterations = 10'000'000;

// Files that hold a PSKC password or pre-shared key: at most this many bytes.
inline constexpr std::size_t max_pskc_secret_file_bytes = 4096;

// A password for PBKDF2-protected PSKC from a file's bytes: less one trailing "\n" or "\r\n";
// an empty password is refused (invalid_input).
[[nodiscard]] Result<Secret> password_from_file_bytes(const Secret& bytes);
// A pre-shared key from a file's bytes: hex (either case, spaces and colons ignored), one
// trailing "\n" or "\r\n" allowed. Errors (invalid_input) never hold the key.
[[nodiscard]] Result<Secret> key_from_file_bytes(const Secret& bytes);

// The same from a file of at most max_pskc_secret_file_bytes. `warn` (when set) hears that group
// or others can read the file. Errors: not_found, io, invalid_input; they name the path.
[[nodiscard]] Result<Secret> read_password_file(
    const std::string& path, const std::function<void(const std::string&)>& warn = {});
[[nodiscard]] Result<Secret> read_key_file(
    const std::string& path, const std::function<void(const std::string&)>& warn = {});

struct ImportRequest {
    std::string path;
    std::optional<ImportFormat> format;  // none: detect
    PskcKeys keys;
    bool replace = false;
    // Skip records hwtotp cannot use, naming each through ImportCallbacks::unsupported.
    bool skip_unsupported = false;
};

struct ImportSummary {
    ImportFormat format = ImportFormat::pskc;
    std::size_t added = 0;
    std::size_t replaced = 0;
    std::size_t skipped = 0;  // unsupported records left out (skip_unsupported)
};

// Reads the file and imports every record in one transaction. `now` stamps the records.
[[nodiscard]] Result<ImportSummary> import_file(Registry& registry, const ImportRequest& request,
                                                std::int64_t now,
                                                const ImportCallbacks& callbacks = {});

}  // namespace hwtotp::store
