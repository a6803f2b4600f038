#pragma once
// Vendor and verifier seed files: the readers behind `hwtotp import --format NAME` other than
// PSKC, CSV and otpauth URIs. Each turns untrusted text into NewToken records handed to the
// callbacks' sink (import.h), names every bad record ("line 4", "Token 2 (serial X)", "record
// 3") and never puts a seed, PIN or password into a message. A record hwtotp cannot use goes to
// ImportCallbacks::unsupported. Every reader fails on a file that yields no token.
//
// docs/vendor-formats.md says where each format is described and how its fields are read.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hwtotp/store/import.h"

namespace hwtotp::store {

// SafeNet/SafeWord (formerly Aladdin) XML: <Tokens><Token serial="S"><ProductName>...
// <Applications><Application ConnectorID="..."><Seed>HEX</Seed><MovingFactor>N</MovingFactor>.
// Event (HOTP) tokens, 6 digits, counter = MovingFactor; SHA-256 for a 32-byte seed, else SHA-1.
// No DOCTYPE (no entity expansion). An Application element hwtotp does not know is unsupported:
// it may describe a time-based token, which read as HOTP would make wrong codes.
[[nodiscard]] Result<std::size_t> read_safenet_xml(std::string_view xml, std::string_view source,
                                                   const ImportCallbacks& callbacks);

// SafeNet eToken PASS / SafeWord .dat: LDIF-like records ("key: value" lines, a blank line or
// sccSignature ends one): sccAuthenticatorId is the serial, sccTokenType the label,
// sccTokenData "sccKey=HEX;sccMode=E|T;sccPwLen=6;sccTick=30;sccPrTime=...;crypto=HmacSHA256;
// sccSeq=N". Time tokens (sccMode=T) count their steps from 2000-01-01T00:00:00Z: T0 is
// 946684800.
[[nodiscard]] Result<std::size_t> read_etoken_dat(std::string_view text, std::string_view source,
                                                  const ImportCallbacks& callbacks);

// The eToken time tokens' epoch: 2000-01-01T00:00:00Z in Unix seconds.
inline constexpr std::int64_t etoken_t0 = 946684800;

// Microsoft Entra ID hardware OATH tokens: the header "upn,serial number,secret key,time
// interval,manufacturer,model", then one token a line; base32 secret; TOTP, SHA-1, 6 digits.
// The UPN is the owner.
[[nodiscard]] Result<std::size_t> read_entra_csv(std::string_view text, std::string_view source,
                                                 const ImportCallbacks& callbacks);

// privacyIDEA OATH CSV: "serial, key, type, otplen, counter|timeStep" (hex key; type hotp
// (default) or totp; otplen 6 (default); the fifth column is the HOTP counter or the TOTP step,
// default 30). The hash follows the key's length as privacyIDEA reads it: 64 hex digits SHA-256,
// 128 SHA-512, else SHA-1 (56 and 96 mean SHA-224/384: unsupported). A first line
// "# version: 2" puts "user, resolver, realm" in front; the user is the owner. OCRA and TAN
// lines are unsupported.
[[nodiscard]] Result<std::size_t> read_privacyidea_csv(std::string_view text,
                                                       std::string_view source,
                                                       const ImportCallbacks& callbacks);

// oath-toolkit's pam_oath usersfile: "TYPE USER PIN HEXKEY [COUNTER [LASTOTP [TIME]]]" with
// TYPE HOTP, HOTP/E, HOTP/E/6..8, HOTP/T30[/6..8] or HOTP/T60[/6..8]; whitespace-separated;
// '#' lines are comments. The user is the owner; the serial is pam_oath_serial(user, n). HOTP:
// COUNTER is where pam_oath's search starts, and LASTOTP, when it is the code at COUNTER, was
// already used, so the next counter is one more. PINs are not imported (a warning says so).
[[nodiscard]] Result<std::size_t> read_pam_oath(std::string_view text, std::string_view source,
                                                const ImportCallbacks& callbacks);

// The serial a pam_oath line gets: "pam-oath:USER" for the user's first line in the file,
// "pam-oath:USER:N" for the N-th (N >= 2), so that an exporter can write the lines back in order.
[[nodiscard]] std::string pam_oath_serial(std::string_view user, std::size_t nth);
// The inverse: the user and the line's rank for the user, or nullopt for another serial.
struct PamOathSerial {
    std::string user;
    std::size_t nth = 1;
};
[[nodiscard]] std::optional<PamOathSerial> parse_pam_oath_serial(std::string_view serial);

// The reader for a vendor format (not pskc, csv or uri, which have their own calls).
[[nodiscard]] Result<std::size_t> read_vendor_file(ImportFormat format, std::string_view text,
                                                   std::string_view source,
                                                   const ImportCallbacks& callbacks);

}  // namespace hwtotp::store
