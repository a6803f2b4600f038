#pragma once
// Where verify_token looks for a code, and what a match there means: the window (centre,
// radius, first use, the 1% limit) and the search with its replay rule. Pure: the token's
// state and history come in, nothing is read or written here.

#include <cstdint>
#include <optional>
#include <span>

#include "hwtotp/store/token.h"
#include "hwtotp/store/verify.h"
#include "hwtotp/totp/code.h"
#include "hwtotp/totp/otp_key.h"

namespace hwtotp::store {

struct SearchPlan {
    OtpType type = OtpType::totp;
    // TOTP: the steps within ±radius of `centre`. HOTP: the counters from `centre` (the next
    // expected one) to centre + radius, and the max(radius, 1) before it for replays.
    std::uint64_t centre = 0;
    std::uint64_t radius = 0;
    std::uint64_t now_step = 0;              // TOTP: the step of the request's time
    std::optional<std::uint64_t> last_step;  // TOTP: steps up to this one are used
    std::int64_t centre_offset_steps = 0;    // TOTP: centre − now_step
    bool centred_on_prediction = false;      // TOTP: the drift model gave the centre
    bool first_use = false;                  // TOTP: no step accepted yet
};

// The plan for `request` on a token with this state and offset history. Fails with
// invalid_input on a time before T0 (TOTP) or a window above max_window.
[[nodiscard]] Result<SearchPlan> plan_search(const TokenInfo& info,
                                             std::span<const HistoryEntry> history,
                                             const VerifyRequest& request);

enum class MatchKind {
    none,   // a wrong code
    fresh,  // matches a step or counter not used yet: to be accepted
    used,   // matches a used step (TOTP: at or before the last accepted) or counter: a replay
};

struct Match {
    MatchKind kind = MatchKind::none;
    std::uint64_t step = 0;  // the step or counter it matches
};

// Compares `code` with the plan's steps (constant-time comparisons, one thread: the window is
// small, and a PAM module's process should not start threads). TOTP: the match nearest the
// centre decides.
[[nodiscard]] Match find_match(const OtpKey& key, const Code& code, const SearchPlan& plan);

}  // namespace hwtotp::store
