#include "hwtotp/device/hid/challenge.h"

namespace hwtotp::device::hid {

std::array<std::uint8_t, 64> totp_challenge(std::uint64_t step) {
    std::array<std::uint8_t, 64> challenge{};
    for (std::size_t i = 0; i < 8; ++i) {
        challenge[i] = static_cast<std::uint8_t>(step >> (8 * (7 - i)));
    }
    // ykman's rule: the pad byte must differ from the last data byte, or an LT64 slot would
    // strip that data byte along with the padding.
    const std::uint8_t pad = challenge[7] == 0x00 ? 0x01 : 0x00;
    for (std::size_t i = 8; i < challenge.size(); ++i) {
        challenge[i] = pad;
    }
    return challenge;
}

std::vector<std::uint8_t> strip_lt64_padding(std::span<const std::uint8_t, 64> payload) {
    const std::uint8_t pad = payload[63];
    std::size_t length = payload.size();
    while (length > 0 && payload[length - 1] == pad) {
        --length;
    }
    return std::vector<std::uint8_t>(payload.begin(),
                                     payload.begin() + static_cast<std::ptrdiff_t>(length));
}

Code truncate_hmac(std::span<const std::uint8_t, 20> hmac, int digits) {
    const std::size_t offset = hmac[19] & 0x0F;
    const std::uint32_t value = (static_cast<std::uint32_t>(hmac[offset] & 0x7F) << 24) |
                                (static_cast<std::uint32_t>(hmac[offset + 1]) << 16) |
                                (static_cast<std::uint32_t>(hmac[offset + 2]) << 8) |
                                static_cast<std::uint32_t>(hmac[offset + 3]);
    return Code::from_value(value, digits);
}

}  // namespace hwtotp::device::hid
