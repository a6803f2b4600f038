#pragma once
// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) with the HMAC key's inner and outer states computed once:
// each iteration then costs two SHA-256 compressions and no allocation. OpenSSL 3.0's own
// PBKDF2 copies a provider digest context (an allocation) twice per iteration, which makes
// python-pskc's default 100,000 iterations about twice as slow as the compressions themselves:
// half of a 10,000-key PSKC export's CPU time.

#include <cstddef>
#include <cstdint>
#include <span>

#include "hwtotp/totp/secret.h"

namespace hwtotp::store::crypto {

// iterations >= 1 and key_length >= 1 (the caller checks the ranges); any password and salt.
[[nodiscard]] Secret pbkdf2_hmac_sha256(std::span<const std::uint8_t> password,
                                        std::span<const std::uint8_t> salt,
                                        std::uint64_t iterations, std::size_t key_length);

}  // namespace hwtotp::store::crypto
