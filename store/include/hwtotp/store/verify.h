#pragma once
// Verifying a code against a registered token: every rule of the registry verifier, in one call.
//
// verify_token(registry, request) decides everything; a caller (the CLI, a PAM module) only
// builds the request and renders the outcome. It needs no global state, no environment and no
// clock of its own ("now" is the request's), and is safe to call from several threads at once
// with a Registry object each. The rules:
//
// - Window. TOTP: centred on now's step plus the token's offset, ±window steps (default 1). The
//   offset is the stored one, or, once the token has two or more observed offsets at distinct
//   times (imports left out), the drift model's prediction moved from the stored offset by no
//   more than max_drift_ppm × the time since the last observation (drift_centre.h). On the
//   token's first use after import, the default window widens to first_use_seconds each way,
//   since vendor tokens arrive already drifted; a window given in the request is taken as given.
//   HOTP: counters [next, next + window] (look-ahead only).
// - Window limit. A window in which a wrong code matches by chance with odds above 1%, by
//   (2W+1)·10^-digits for TOTP and (W+1)·10^-digits for HOTP, is refused as invalid input: a
//   chance match would be recorded as the token's offset and lock its owner out. Two
//   consecutive codes (a resync) find a drifted token instead.
// - Attempts. Before the code is looked at, the attempt is counted in the registry by one
//   conditional UPDATE (Registry::reserve_attempt) that refuses it when the token is locked,
//   when max_failures attempts are already counted (some possibly still being checked), or
//   when the throttle says wait. So no more than max_failures wrong codes are ever looked at
//   without a success in between, however many processes verify at once.
// - Throttle (RFC 4226 section 7.3): while k >= throttle_after attempts are counted, an attempt
//   earlier than throttle_delay(k) seconds after the last failure is refused without looking
//   at the code and without counting it. A clock set before the last failure waits too.
// - Replay. TOTP: a match at or before the last accepted step; HOTP: a match among the window's
//   worth of counters before the next expected one. Refused, and its attempt is taken back: a
//   replay never counts as a failure (whoever saw a used code could otherwise lock its owner
//   out by replaying it).
// - Success: the accepted step, the new offset (accepted step − now's step) and a history
//   entry are recorded in one conditional UPDATE (of two processes verifying the same code,
//   one succeeds), and the count of attempts is reset. An accepted step is always after the
//   last one, so the window never moves back past the last accepted step.
// - Failure: the attempt stays counted; at max_failures the token locks until unlocked.

#include <cstdint>
#include <optional>
#include <string>

#include "hwtotp/store/registry.h"
#include "hwtotp/totp/code.h"
#include "hwtotp/totp/error.h"
#include "hwtotp/totp/otpauth.h"
#include "hwtotp/totp/params.h"

namespace hwtotp::store {

// Consecutive failures that lock a token (the common default; DESIGN "Lockout").
inline constexpr int max_failures = 10;
// Failures before throttling starts: a user mistyping twice is not slowed down.
inline constexpr int throttle_after = 3;
// Longest throttle delay: 5 minutes.
inline constexpr std::int64_t throttle_cap_seconds = 300;
// The default TOTP window on a token's first use, in seconds each way.
inline constexpr std::uint64_t first_use_seconds = 600;
// The highest chance that a wrong code matches somewhere in a window, in percent.
inline constexpr int max_false_match_percent = 1;

// Seconds a verify must wait after the last of `failures` consecutive failures:
// 0 below throttle_after, then 5 s doubling per failure (5, 10, 20, ...), capped at 300 s.
[[nodiscard]] std::int64_t throttle_delay(int failures);

// The widest window verify_token accepts for a token of this type and digits: ±4999 steps
// (TOTP) or 9999 counters (HOTP) for 6 digits, 100 times more per extra digit.
[[nodiscard]] std::uint64_t max_window(OtpType type, int digits);

struct VerifyRequest {
    std::string serial;
    Code code;
    std::int64_t now = 0;  // Unix seconds
    // ± steps (TOTP) or look-ahead counters (HOTP), at most max_window. nullopt: 1, widened on
    // a TOTP token's first use to first_use_seconds each way.
    std::optional<std::uint64_t> window = std::nullopt;
    // How an accepted TOTP step is written to the history: `verify`, or `login` from the PAM
    // module, so that drift fits see logins too.
    ObservedBy observed_by = ObservedBy::verify;
};

enum class VerifyStatus {
    accepted,   // recorded
    rejected,   // no match: counted as a failure
    replay,     // a used code: refused, not counted
    locked,     // locked (before the code was looked at, or by this failure)
    throttled,  // refused without looking at the code: retry_in seconds to wait
    busy,       // refused without looking at the code: max_failures attempts are being counted
};

struct VerifyOutcome {
    VerifyStatus status = VerifyStatus::rejected;
    OtpType type = OtpType::totp;
    Params params = Params::standard();
    bool code_checked = false;        // the code was compared (false: refused before looking at it)
    std::uint64_t step = 0;           // matched step (TOTP) or counter (HOTP): accepted or replay
    std::int64_t offset = 0;          // TOTP: matched step − now's step
    std::int64_t offset_seconds = 0;  // offset × period (saturated at the int64 range)
    std::int64_t window_used = 0;     // the radius (TOTP) or look-ahead (HOTP) searched
    bool first_use = false;           // TOTP: no step accepted yet
    // TOTP: the offset the window was centred on, and whether the drift model predicted it.
    std::int64_t centre_offset_steps = 0;
    bool centred_on_prediction = false;
    int failures = 0;  // consecutive failures (attempts counted) after this one
    int limit = max_failures;
    std::int64_t retry_in = 0;  // throttled, busy: seconds until a verify is looked at again
};

// Fails with not_found (no such token), invalid_input (the code's length, a time before T0, a
// window above max_window) before anything is counted, or registry. A wrong code, a replay, a
// lock or the throttle is an outcome, not an error.
[[nodiscard]] Result<VerifyOutcome> verify_token(Registry& registry, const VerifyRequest& request);

}  // namespace hwtotp::store
