#pragma once
// Algorithm parameters of an OATH token: hash, code length, time step, epoch.
//
// Valid by construction: Params::create() checks every field, so a Params value in hand is
// always usable. There is no default hash: callers choose (the CLI's default is SHA-1, as the
// RFCs and every hardware token use).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"
#include "hwtotp/totp/limits.h"

namespace hwtotp {

enum class Hash { sha1, sha256, sha512 };

[[nodiscard]] std::string_view hash_name(Hash hash);  // "sha1", "sha256", "sha512"
// Accepts sha1/sha256/sha512 in any case, with or without a dash ("SHA-256", "HMAC-SHA1").
[[nodiscard]] Result<Hash> parse_hash(std::string_view text);
[[nodiscard]] std::size_t digest_size(Hash hash);  // 20, 32 or 64 bytes

class Params {
  public:
    static constexpr int min_digits = limits::min_digits;
    static constexpr int max_digits = limits::max_digits;

    // digits: 6, 7 or 8. period: 1 to 2^31-1 s (limits.h). t0: any Unix time (seconds).
    [[nodiscard]] static Result<Params> create(Hash hash, int digits, std::int64_t period,
                                               std::int64_t t0);
    // The usual hardware token: SHA-1, 6 digits, 30 s, T0 = 0.
    [[nodiscard]] static Params standard() { return Params(Hash::sha1, 6, 30, 0); }

    [[nodiscard]] Hash hash() const { return hash_; }
    [[nodiscard]] int digits() const { return digits_; }
    [[nodiscard]] std::int64_t period() const { return period_; }
    [[nodiscard]] std::int64_t t0() const { return t0_; }

    friend bool operator==(const Params&, const Params&) = default;

  private:
    Params(Hash hash, int digits, std::int64_t period, std::int64_t t0)
        : hash_(hash), digits_(digits), period_(period), t0_(t0) {}

    Hash hash_;
    int digits_;
    std::int64_t period_;
    std::int64_t t0_;
};

}  // namespace hwtotp
