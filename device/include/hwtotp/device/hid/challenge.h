#pragma once
// TOTP over HMAC-SHA1 challenge-response, the way `ykman otp calculate --totp` does it (spec §2).
//
// The challenge is the 8-byte big-endian time step, padded to 64 bytes with 0x00 — or with 0x01
// when the step's last byte is 0x00. A slot programmed with HMAC_LT64 (ykman's default) strips
// byte 63 and every preceding byte equal to it, so the pad byte must differ from the last data
// byte; zero padding would lose the step's low byte once every 256 steps (t = 7680 is one).

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "hwtotp/totp/code.h"

namespace hwtotp::device::hid {

// The 64-byte challenge for time step `step`.
[[nodiscard]] std::array<std::uint8_t, 64> totp_challenge(std::uint64_t step);

// Device side (LT64 slots): the message an HMAC is computed over — the payload without its
// trailing run of bytes equal to payload[63]. An all-padding payload gives an empty message.
[[nodiscard]] std::vector<std::uint8_t> strip_lt64_padding(
    std::span<const std::uint8_t, 64> payload);

// RFC 4226 dynamic truncation of a 20-byte HMAC-SHA1 into a code of `digits` (6..8) digits.
[[nodiscard]] Code truncate_hmac(std::span<const std::uint8_t, 20> hmac, int digits);

}  // namespace hwtotp::device::hid
