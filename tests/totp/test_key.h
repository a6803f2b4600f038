#pragma once
// The key the engine's tests compute with: RFC 6238's ASCII seed "12345678901234567890" (the
// SHA-1 test key of its Appendix B), with any hash.

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "hwtotp/totp/otp_key.h"

namespace hwtotp::test {

inline OtpKey rfc6238_key(Hash hash = Hash::sha1) {
    constexpr std::string_view seed = "12345678901234567890";
    return std::move(*OtpKey::create(
        Secret(std::span(reinterpret_cast<const std::uint8_t*>(seed.data()), seed.size())), hash));
}

}  // namespace hwtotp::test
