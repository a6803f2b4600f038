#pragma once
// Resynchronisation: find a drifted token's clock offset from two consecutive codes.
//
// A single 6-digit code matches a random step with probability 10^-6, so over a wide window a
// single code proves nothing; two consecutive codes match by chance with probability 10^-12
// per step, which keeps even a scan of every step since 1970 meaningful (about 10^-4).
// Pure: the caller supplies the time.

#include <cstdint>
#include <vector>

#include "hwtotp/totp/code.h"
#include "hwtotp/totp/otp_key.h"
#include "hwtotp/totp/params.h"
#include "hwtotp/totp/window.h"

namespace hwtotp {

// ±radius steps around now, or every step from T0 to now + 20 years ("all").
struct ResyncWindow {
    bool all = false;
    std::uint64_t radius = 2880;  // ±24 h at 30 s
};

// How far past now an "all" search reaches: a token's clock can be set ahead, too.
constexpr std::int64_t resync_all_future_seconds = 20LL * 36525 * 86400 / 100;

// The steps an "all" or ±radius search covers at time `now` (>= T0).
[[nodiscard]] Result<StepRange> resync_range(const Params& params, std::int64_t now,
                                             const ResyncWindow& window);

struct ResyncMatch {
    std::uint64_t code1_step = 0;
    std::int64_t offset_steps = 0;  // step of code 2 - current step (the token's clock offset)
};

struct ResyncResult {
    std::uint64_t current_step = 0;
    StepRange searched;
    double false_match_odds = 0;       // of at least one chance match in `searched`
    std::vector<ResyncMatch> matches;  // nearest to now first; >1 means ambiguous
    [[nodiscard]] bool found() const { return !matches.empty(); }
    [[nodiscard]] bool ambiguous() const { return matches.size() > 1; }
};

// What makes a pair of codes unusable for a resync, checked in this order: a code whose length
// is not params.digits(), then two identical codes (a resync needs two consecutive codes, and
// consecutive codes differ). resync() refuses exactly these; callers that word their own
// message for each ask first.
enum class ResyncCodesProblem { none, code1_length, code2_length, same_codes };
[[nodiscard]] ResyncCodesProblem resync_codes_problem(const Params& params, const Code& code1,
                                                      const Code& code2);

// Finds steps s with code(s) == code1 and code(s+1) == code2. Fails on a resync_codes_problem
// or a time before T0. The offset follows the peers'
// convention: step(code 2) - step(now), and the last accepted step is step(code 2).
[[nodiscard]] Result<ResyncResult> resync(const OtpKey& key, const Params& params,
                                          const Code& code1, const Code& code2, std::int64_t now,
                                          const ResyncWindow& window,
                                          const ScanOptions& options = {});

}  // namespace hwtotp
