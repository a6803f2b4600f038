#pragma once
// A YubiKey slot seen as a Token: TOTP (SHA-1, 30 s, ykman's challenge) over OtpHost.

#include <optional>
#include <string>

#include "hwtotp/device/hid/otp_host.h"
#include "hwtotp/device/token.h"

namespace hwtotp::device::hid {

class HidToken final : public Token {
  public:
    // Reads the serial and status once. `host` must outlive the token.
    [[nodiscard]] static Result<HidToken> open(OtpHost& host, int slot, int digits);

    [[nodiscard]] std::string serial() const override { return serial_; }
    [[nodiscard]] std::string model() const override { return model_; }
    [[nodiscard]] std::string vendor() const override { return "Yubico"; }
    // A slot cannot tell its parameters; these are the ones ykman's TOTP assumes.
    [[nodiscard]] std::optional<Params> params() const override { return std::nullopt; }
    [[nodiscard]] Result<Code> code_at(std::int64_t real_time) override {
        return host_->totp(slot_, real_time, digits_);
    }

  private:
    HidToken(OtpHost& host, int slot, int digits, std::string serial, std::string model)
        : host_(&host),
          slot_(slot),
          digits_(digits),
          serial_(std::move(serial)),
          model_(std::move(model)) {}

    OtpHost* host_;
    int slot_;
    int digits_;
    std::string serial_;
    std::string model_;
};

}  // namespace hwtotp::device::hid
