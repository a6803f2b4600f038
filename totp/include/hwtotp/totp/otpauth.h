#pragma once
// The otpauth:// key URI (Google Authenticator's "Key Uri Format"):
//   otpauth://TYPE/LABEL?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30&counter=N
// TYPE is totp or hotp; LABEL is "issuer:account" or "account", percent-encoded.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"
#include "hwtotp/totp/params.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp {

enum class OtpType { totp, hotp };

struct KeyUri {
    OtpType type = OtpType::totp;
    std::string issuer;   // from the issuer parameter, else the label prefix; may be empty
    std::string account;  // the label after "issuer:"; may be empty
    Secret secret;
    Params params = Params::standard();
    std::uint64_t counter = 0;  // HOTP only
    // Parameters the format does not define, kept for the caller: a vendor's serial=, an
    // image=. Names lower-cased, names and values percent-decoded.
    std::map<std::string, std::string> extra;
};

// Parses a URI. Missing algorithm/digits/period take the format's defaults (SHA1, 6, 30).
// Fails on a wrong scheme or type, a missing or invalid secret, unsupported digits, a HOTP URI
// without counter, bad percent-escapes, a parameter given twice, or a value outside limits.h (a
// secret over 1 KiB, a period outside 1..2^31-1, a counter over 2^63-1, an issuer or account
// over 1 KiB).
// Error messages never include the secret.
[[nodiscard]] Result<KeyUri> parse_otpauth_uri(std::string_view uri);

// Formats a URI that parse_otpauth_uri reads back to the same values (extra ones included).
// Holds the secret: wipe
// the string (wipe_memory) when done, and print it only when the user asked for it.
[[nodiscard]] std::string format_otpauth_uri(const KeyUri& key);

}  // namespace hwtotp
