#pragma once
// OtpKey: an HMAC key prepared once so that every further HOTP value is cheap.
//
// HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)). The hash states after absorbing the
// one-block prefixes K ^ ipad and K ^ opad depend only on the key, so create() computes them
// once; each code then costs exactly two hash-block compressions (RFC 4226 messages are 8 bytes,
// so both the inner and the outer message fit one final block). The object is immutable: one
// OtpKey serves any number of threads without locks, and computing a code allocates nothing.
//
// The prepared states are as sensitive as the key itself and are wiped on destruction.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "hwtotp/totp/code.h"
#include "hwtotp/totp/error.h"
#include "hwtotp/totp/params.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp {

class OtpKey {
  public:
    // Any non-empty key length, used exactly as given (keys longer than the hash block are
    // hashed first, as HMAC specifies). Fails only on an empty key.
    [[nodiscard]] static Result<OtpKey> create(const Secret& key, Hash hash);

    OtpKey(OtpKey&&) noexcept;
    OtpKey& operator=(OtpKey&&) noexcept;
    ~OtpKey();

    [[nodiscard]] Hash hash() const { return hash_; }

    // The full HMAC of the 8-byte big-endian counter; `out` must hold digest_size(hash()) bytes.
    void hmac(std::uint64_t counter, std::span<std::uint8_t> out) const;
    // RFC 4226 dynamic truncation: the 31-bit value before reduction mod 10^digits.
    [[nodiscard]] std::uint32_t truncated(std::uint64_t counter) const;
    // The HOTP code for `counter` (digits 6..8).
    [[nodiscard]] Code code(std::uint64_t counter, int digits) const;

    // Counters c in [first, last] (inclusive) whose code equals `code`, in increasing order,
    // at most `max_matches` of them. Single-threaded; see window.h for the parallel scan.
    [[nodiscard]] std::vector<std::uint64_t> find(std::uint64_t first, std::uint64_t last,
                                                  const Code& code, std::size_t max_matches) const;

    class Impl;

  private:
    OtpKey(Hash hash, std::unique_ptr<Impl> impl);

    Hash hash_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace hwtotp
