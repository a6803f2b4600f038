#pragma once
// What the registry knows about one hardware token.
//
// TokenInfo never holds key material, so it can be listed, printed and turned into JSON freely.
// The seed travels separately, as a Secret, only when a caller asks for it (Registry::get).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"
#include "hwtotp/totp/otpauth.h"
#include "hwtotp/totp/params.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::store {

// How an offset in the history was observed.
enum class ObservedBy { verify, resync, enroll, import, login };

[[nodiscard]] std::string_view observed_by_name(ObservedBy how);  // "verify", "resync", ...
[[nodiscard]] Result<ObservedBy> parse_observed_by(std::string_view text);
[[nodiscard]] std::string_view otp_type_name(OtpType type);  // "totp" or "hotp"

// Descriptive fields and parameters of a token, as imported.
struct TokenDescription {
    std::string serial;        // unique in the registry; 1..256 printable characters
    std::string label;         // free text (PSKC FriendlyName, otpauth account), may be empty
    std::string issuer;        // may be empty
    std::string manufacturer;  // PSKC DeviceInfo/Manufacturer, may be empty
    OtpType type = OtpType::totp;
    Params params = Params::standard();
    std::uint64_t counter = 0;      // HOTP: the next counter value expected
    std::int64_t offset_steps = 0;  // token clock minus ours, in whole steps (PSKC TimeDrift)
    std::string source;             // the file it came from
    // The user the seed file assigns the token to (Entra UPN, pam_oath user, privacyIDEA user,
    // PSKC UserId), or `tokens assign`; may be empty. At most one token per owner.
    std::string owner;
};

// A token to add: its description and its seed.
struct NewToken {
    TokenDescription description;
    Secret seed;
};

// The verifier's state for a token.
struct TokenState {
    std::optional<std::uint64_t> last_step;  // last accepted TOTP step; none before first use
    std::int64_t offset_steps = 0;           // current clock offset, token minus ours, in steps
    int failures = 0;                        // consecutive failed verifications
    bool locked = false;                     // refused until `tokens unlock`
    std::optional<std::int64_t> locked_since;
    std::optional<std::int64_t> last_failure_at;  // Unix seconds of the last failed verify
};

// Everything but the seed.
struct TokenInfo {
    TokenDescription description;
    TokenState state;
    std::int64_t imported_at = 0;  // Unix seconds
};

// A token with its decrypted seed.
struct Token {
    TokenInfo info;
    Secret seed;
};

// One observed clock offset.
struct HistoryEntry {
    std::int64_t at = 0;            // Unix seconds of the observation
    std::int64_t offset_steps = 0;  // token minus ours, whole steps
    ObservedBy how = ObservedBy::verify;
};

// Serials: 1 to 256 characters, printable ASCII without spaces (AWS allows [\w+=/:,.@-]; vendor
// serials are digits and letters). Errors name the problem and never echo the serial.
[[nodiscard]] Result<void> check_serial(std::string_view serial);

// Owners: 1 to 256 bytes (a login name, a UPN), no control characters (they reach terminals,
// logs and PAM conversations).
[[nodiscard]] Result<void> check_owner(std::string_view owner);

// Everything the registry requires of a token before it is sealed, whichever importer made it
// (totp/limits.h): a valid serial; label, issuer and manufacturer at most 1 KiB each; a seed of
// 1 to 1024 bytes; a HOTP counter of at most 2^63-1. (Params are valid by construction.) The
// message names the field, never its value: the caller adds which record it was.
[[nodiscard]] Result<void> check_new_token(const NewToken& token);

}  // namespace hwtotp::store
