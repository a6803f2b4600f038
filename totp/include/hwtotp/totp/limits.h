#pragma once
// The one set of limits on a token, whichever way it arrives (command line, CSV, otpauth URI,
// PSKC, a vendor file): the decoders, Params::create, the otpauth parser and the registry's
// sealing step all check against these, so a value refused on one path is refused on every one.
//
// Why these numbers:
// - seed 1..1024 bytes: HMAC takes any key length, but no token holds more than a hash block
//   (64 bytes for SHA-1/256, 128 for SHA-512); 1 KiB leaves room for odd vendors and stops a
//   file from handing over megabytes as a "seed". Under 16 bytes (128 bits) is allowed with a
//   warning: RFC 4226 §4 requires 128 bits and recommends 160, but old tokens ship 10-byte seeds.
// - counter 0..2^63-1: the registry stores a signed 64-bit integer; a larger HOTP counter would
//   come back negative.
// - period 1..2^31-1 s: as the command line's --period (longer than 68 years is no token).
// - digits 6..8 (Params::min_digits/max_digits): RFC 4226's truncation gives at most 9 useful
//   digits, and every hardware token shows 6 or 8.
// - text fields (label, issuer, manufacturer) at most 1 KiB each; a serial at most 256
//   characters (store/token.h): enough for any name, small enough to list and print.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"

namespace hwtotp::limits {

inline constexpr std::size_t min_seed_bytes = 1;
inline constexpr std::size_t max_seed_bytes = 1024;
inline constexpr std::size_t recommended_seed_bytes = 16;  // RFC 4226 §4, requirement R6

inline constexpr std::uint64_t max_counter = 9223372036854775807ULL;  // 2^63 - 1

inline constexpr std::int64_t min_period = 1;
inline constexpr std::int64_t max_period = 2147483647;  // 2^31 - 1 seconds

inline constexpr int min_digits = 6;
inline constexpr int max_digits = 8;

inline constexpr std::size_t max_text_bytes = 1024;

// invalid_input unless min_seed_bytes <= bytes <= max_seed_bytes:
// "the seed is 2000 bytes (accepted: 1 to 1024 bytes)".
[[nodiscard]] Result<void> check_seed_size(std::size_t bytes);

// For a seed shorter than recommended_seed_bytes, the warning a caller shows (not an error):
// "the seed is 10 bytes; RFC 4226 requires at least 16 (128 bits)". nullopt otherwise.
[[nodiscard]] std::optional<std::string> short_seed_warning(std::size_t bytes);

// invalid_input when counter > max_counter.
[[nodiscard]] Result<void> check_counter(std::uint64_t counter);

// invalid_input when `value` is longer than max_text_bytes; `field` names it ("issuer").
// The message gives the length, never the text.
[[nodiscard]] Result<void> check_text(std::string_view field, std::string_view value);

}  // namespace hwtotp::limits
