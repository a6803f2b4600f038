#pragma once
// The associated data a seed is sealed with (AES-256-GCM): what the ciphertext is bound to.
//
// A sealed seed opens only with the associated data it was sealed with, so everything in it is
// protected against change by anyone who can write the database but does not hold the master
// key. Version 2 (schema 3 on) binds the serial and every parameter that decides which codes
// the seed makes: type, hash, digits, period and T0. Changing any of them with an SQL tool makes
// the seed fail to open instead of making the verifier accept another token's codes. The HOTP
// counter and the verifier's state (last step, offset, failures, lock) change on every verify
// and are not bound: see docs/registry.md "Threat model".

#include <cstdint>
#include <string_view>
#include <vector>

#include "hwtotp/store/token.h"
#include "hwtotp/totp/params.h"

namespace hwtotp::store {

// Version 1, sealed by schema versions 1 and 2: "hwtotp seed v1:" and the serial.
[[nodiscard]] std::vector<std::uint8_t> seed_aad_v1(std::string_view serial);

// Version 2: "hwtotp seed v2", then each field as a 4-byte big-endian length and its bytes
// (serial, type name, hash name) or as 8 big-endian bytes (digits, period, T0), so that no two
// different tokens give the same bytes.
[[nodiscard]] std::vector<std::uint8_t> seed_aad(std::string_view serial, OtpType type,
                                                 const Params& params);

}  // namespace hwtotp::store
