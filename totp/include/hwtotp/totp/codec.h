#pragma once
// Text encodings of key material: base32 (RFC 4648, as authenticator apps and AWS print seeds),
// hex (as RFC test vectors and vendor CSV files give them) and base64 (as PSKC files and AWS
// credential reports carry them).
//
// Decoders return a Secret directly so that decoded seeds never sit in an ordinary buffer, and
// refuse a value that decodes to more than limits::max_seed_bytes (1 KiB) before allocating it.
// Errors name the offending character and its 1-based position, never the whole input.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/totp/error.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp {

// RFC 4648 base32. Lenient the way people type seeds: lowercase is accepted, spaces and dashes
// are ignored, trailing '=' padding is optional. Rejects characters outside A-Z/2-7, padding
// in the middle, lengths that no byte string encodes to (1, 3 or 6 symbols in the last group),
// and empty input.
[[nodiscard]] Result<Secret> base32_decode(std::string_view text);
// Upper-case RFC 4648 base32, without padding when `pad` is false (the otpauth convention).
// The result holds key material: wipe it (wipe_memory) when done.
[[nodiscard]] std::string base32_encode(std::span<const std::uint8_t> bytes, bool pad = false);

// Hex, either case, optional "0x" prefix, spaces and colons ignored. Rejects odd lengths.
[[nodiscard]] Result<Secret> hex_decode_secret(std::string_view text);
// Same rules, for material that is not secret (IVs, MAC values, test digests).
[[nodiscard]] Result<std::vector<std::uint8_t>> hex_decode(std::string_view text);
[[nodiscard]] std::string hex_encode(std::span<const std::uint8_t> bytes);

// RFC 4648 base64 (standard alphabet), decoded by OpenSSL. Whitespace and line breaks anywhere
// are ignored (PSKC and AWS wrap long values); '=' only as the last one or two characters; the
// significant length must be a multiple of 4. Empty input decodes to nothing.
[[nodiscard]] Result<std::vector<std::uint8_t>> base64_decode(std::string_view text);
// Same rules, for seeds: the bytes never sit in an ordinary buffer.
[[nodiscard]] Result<Secret> base64_decode_secret(std::string_view text);

}  // namespace hwtotp
