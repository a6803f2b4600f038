#pragma once
// Code: a one-time password as the token displays it, leading zeros included.
//
// Comparison is constant-time (CRYPTO_memcmp over the digits), so checking a submitted code
// does not reveal through timing how many leading digits were right.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"

namespace hwtotp {

class Code {
  public:
    // Accepts exactly 6 to 8 ASCII digits; `what` names the input in the error ("code1").
    [[nodiscard]] static Result<Code> parse(std::string_view text, std::string_view what = "code");
    // The code for a truncated HOTP value: value mod 10^digits, zero-padded. digits in 6..8.
    [[nodiscard]] static Code from_value(std::uint32_t truncated, int digits);

    [[nodiscard]] std::string_view digits() const { return {chars_.data(), length_}; }
    [[nodiscard]] std::string str() const { return std::string(digits()); }
    [[nodiscard]] int length() const { return static_cast<int>(length_); }
    // The numeric value (e.g. 287082 for "287082"; 1234 for "00001234").
    [[nodiscard]] std::uint32_t value() const;

    // Constant-time: codes of different lengths are unequal.
    friend bool operator==(const Code& a, const Code& b);

  private:
    Code() = default;

    std::array<char, 8> chars_{};
    std::size_t length_ = 0;
};

// 10^digits for digits in 0..9.
[[nodiscard]] std::uint32_t power_of_ten(int digits);

}  // namespace hwtotp
