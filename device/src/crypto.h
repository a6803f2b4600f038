#pragma once
// The device library's only OpenSSL calls: variable-length HMAC-SHA1 (the simulated YubiKey
// hashes LT64-stripped challenges, which the engine's 8-byte-counter OtpKey does not cover) and
// random bytes for new seeds.

#include <array>
#include <cstdint>
#include <span>

#include "hwtotp/totp/error.h"

namespace hwtotp::device {

[[nodiscard]] Result<std::array<std::uint8_t, 20>> hmac_sha1(std::span<const std::uint8_t> key,
                                                             std::span<const std::uint8_t> message);

}  // namespace hwtotp::device
