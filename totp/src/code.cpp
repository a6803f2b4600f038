#include "hwtotp/totp/code.h"

#include <openssl/crypto.h>

namespace hwtotp {

std::uint32_t power_of_ten(int digits) {
    std::uint32_t p = 1;
    for (int i = 0; i < digits; ++i) {
        p *= 10;
    }
    return p;
}

Result<Code> Code::parse(std::string_view text, std::string_view what) {
    if (text.size() < 6 || text.size() > 8) {
        return fail(ErrorCode::invalid_input,
                    std::string(what) + " has " + std::to_string(text.size()) +
                        " characters (accepted: 6 to 8 digits, as the token shows them)");
    }
    Code code;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return fail(ErrorCode::invalid_input,
                        std::string(what) + " has a non-digit at position " +
                            std::to_string(i + 1) + " (accepted: digits 0-9 only)");
        }
        code.chars_[i] = text[i];
    }
    code.length_ = text.size();
    return code;
}

Code Code::from_value(std::uint32_t truncated, int digits) {
    Code code;
    std::uint32_t value = truncated % power_of_ten(digits);
    code.length_ = static_cast<std::size_t>(digits);
    for (std::size_t i = code.length_; i-- > 0;) {
        code.chars_[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return code;
}

std::uint32_t Code::value() const {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < length_; ++i) {
        v = v * 10 + static_cast<std::uint32_t>(chars_[i] - '0');
    }
    return v;
}

bool operator==(const Code& a, const Code& b) {
    if (a.length_ != b.length_) {
        return false;
    }
    return CRYPTO_memcmp(a.chars_.data(), b.chars_.data(), a.length_) == 0;
}

}  // namespace hwtotp
