#pragma once
// Verifying a code against a registered token: window, replay protection, lockout.
//
// TOTP: the window is centred on now's step plus the token's stored offset and spans ±window
// steps (on the token's first use after import: at least ±10 minutes' worth, since vendor
// tokens arrive already drifted). A match at or before the last accepted step is a replay.
// The accepted step, the new offset (accepted step − now's step) and a history entry are
// recorded in one conditional UPDATE, so of two processes verifying the same code only one
// succeeds. Because an accepted step is always after the last one, the window never moves back
// past the last accepted step. HOTP: counters [next, next + window] (look-ahead only).
// A miss counts a failure; max_failures consecutive misses lock the token until unlocked.
// Throttling (RFC 4226 section 7.3): after k >= throttle_after consecutive failures, a verify
// earlier than throttle_delay(k) seconds after the last failure is refused without looking at
// the code (and is not counted). The state lives in the registry, so it spans processes; "now"
// is the request's time. A replayed code is refused but never counted as a failure: whoever saw
// a used code could otherwise lock its owner out by replaying it.

#include <cstdint>
#include <optional>
#include <string>

#include "hwtotp/store/registry.h"
#include "hwtotp/totp/code.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::store {

struct VerifyRequest {
    std::string serial;
    Code code;
    std::int64_t now = 0;      // Unix seconds
    std::uint64_t window = 1;  // ± steps (TOTP) or look-ahead counters (HOTP)
    int max_failures = 10;
    std::uint64_t first_use_seconds = 600;  // TOTP window on first use, in seconds each way
    // TOTP: centre the window on this offset instead of the stored one (the drift model's
    // prediction, already bounded by the caller). The replay rule still applies.
    std::optional<std::int64_t> centre_offset_steps = std::nullopt;
};

enum class VerifyStatus { accepted, rejected, replay, locked, throttled };

// Failures before throttling starts: a user mistyping twice is not slowed down.
inline constexpr int throttle_after = 3;
// Longest throttle delay: 5 minutes.
inline constexpr std::int64_t throttle_cap_seconds = 300;

// Seconds a verify must wait after the last of `failures` consecutive failures:
// 0 below throttle_after, then 5 s doubling per failure (5, 10, 20, ...), capped at 300 s.
[[nodiscard]] std::int64_t throttle_delay(int failures);

struct VerifyOutcome {
    VerifyStatus status = VerifyStatus::rejected;
    std::uint64_t step = 0;        // accepted step (TOTP) or counter (HOTP)
    std::int64_t offset = 0;       // accepted step − now's step (TOTP)
    std::int64_t window_used = 0;  // the radius that was searched
    int failures = 0;              // consecutive failures after this attempt
    bool first_use = false;
    std::int64_t retry_in = 0;  // throttled: seconds until a verify is looked at again
};

[[nodiscard]] Result<VerifyOutcome> verify_token(Registry& registry, const VerifyRequest& request);

}  // namespace hwtotp::store
