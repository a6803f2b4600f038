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

enum class VerifyStatus { accepted, rejected, replay, locked };

struct VerifyOutcome {
    VerifyStatus status = VerifyStatus::rejected;
    std::uint64_t step = 0;        // accepted step (TOTP) or counter (HOTP)
    std::int64_t offset = 0;       // accepted step − now's step (TOTP)
    std::int64_t window_used = 0;  // the radius that was searched
    int failures = 0;              // consecutive failures after this attempt
    bool first_use = false;
};

[[nodiscard]] Result<VerifyOutcome> verify_token(Registry& registry, const VerifyRequest& request);

}  // namespace hwtotp::store
