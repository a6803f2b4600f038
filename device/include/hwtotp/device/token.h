#pragma once
// Token: anything that shows or computes TOTP codes — a simulated key fob, a YubiKey over HID.

#include <cstdint>
#include <optional>
#include <string>

#include "hwtotp/totp/code.h"
#include "hwtotp/totp/error.h"
#include "hwtotp/totp/params.h"

namespace hwtotp::device {

class Token {
  public:
    virtual ~Token() = default;

    [[nodiscard]] virtual std::string serial() const = 0;
    // "simulated display token", "YubiKey 5.4.3 (OTP HID)"...
    [[nodiscard]] virtual std::string model() const = 0;
    [[nodiscard]] virtual std::string vendor() const = 0;
    // The parameters, when the token can tell (a YubiKey slot cannot: it only answers HMACs).
    [[nodiscard]] virtual std::optional<Params> params() const = 0;

    // What the token displays (or answers) when asked at real time `real_time`.
    // Fails with ErrorCode::device when a hardware token cannot be read.
    [[nodiscard]] virtual Result<Code> code_at(std::int64_t real_time) = 0;
};

}  // namespace hwtotp::device
