// The verifier's window and search: centre, radius, first use, the 1% limit, replays.

#include "verify_search.h"

#include <algorithm>
#include <limits>
#include <string>

#include "hwtotp/store/drift_centre.h"
#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/window.h"

namespace hwtotp::store {
namespace {

// Positions (steps or counters) a window may hold: a wrong code matches one of n positions by
// chance with odds of at most n·10^-digits (each position matches with odds 10^-digits).
std::uint64_t max_positions(int digits) {
    return std::uint64_t{power_of_ten(digits)} * max_false_match_percent / 100;
}

// The first-use window holds at most 2·600 + 1 positions (a 1 s period), within the limit of
// the shortest codes: it never needs refusing, whatever the token's period.
static_assert(2 * first_use_seconds + 1 <= 10'000 * max_false_match_percent);

Result<void> check_window(OtpType type, int digits, std::uint64_t window) {
    const std::uint64_t limit = max_window(type, digits);
    if (window <= limit)
        return {};
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    const bool hotp = type == OtpType::hotp;
    // Positions searched: W + 1 counters, or 2W + 1 steps (saturated: the odds exceed 1 anyway).
    const std::uint64_t positions =
        hotp ? (window == max ? max : window + 1) : (window > (max - 1) / 2 ? max : 2 * window + 1);
    const std::string d = std::to_string(digits);
    const std::string n = std::to_string(positions);
    return fail(ErrorCode::invalid_input,
                "a wrong " + d + "-digit code matches one of the " + n +
                    (hotp ? " counters of a " + std::to_string(window) + "-counter look-ahead"
                          : " steps of a ±" + std::to_string(window) + "-step window") +
                    " by chance with odds up to " + n + "·10^-" + d + ", above " +
                    std::to_string(max_false_match_percent) + "% (accepted: " +
                    (hotp ? "up to " + std::to_string(limit) + " counters"
                          : "up to ±" + std::to_string(limit) + " steps") +
                    ")");
}

// The TOTP radius: as requested, else 1, or on first use the first-use seconds in steps.
std::uint64_t totp_radius(const TokenInfo& info, const VerifyRequest& request) {
    if (request.window)
        return *request.window;
    if (info.state.last_step)
        return 1;
    const auto period = static_cast<std::uint64_t>(info.description.params.period());
    return std::max<std::uint64_t>(1, (first_use_seconds + period - 1) / period);
}

Result<SearchPlan> plan_totp(const TokenInfo& info, std::span<const HistoryEntry> history,
                             const VerifyRequest& request) {
    const Params& params = info.description.params;
    HWTOTP_ASSIGN_OR_RETURN(const std::uint64_t now_step, step_at(params, request.now));
    SearchPlan plan;
    plan.type = OtpType::totp;
    plan.now_step = now_step;
    plan.last_step = info.state.last_step;
    plan.first_use = !info.state.last_step;
    plan.radius = totp_radius(info, request);
    HWTOTP_TRY(check_window(OtpType::totp, params.digits(), plan.radius));
    plan.centre_offset_steps = info.state.offset_steps;
    if (const auto drift = drift_centre(params, info.state.offset_steps, history, request.now)) {
        plan.centre_offset_steps = drift->centre_offset_steps;
        plan.centred_on_prediction = true;
    }
    plan.centre = step_add(now_step, plan.centre_offset_steps);
    return plan;
}

}  // namespace

std::uint64_t max_window(OtpType type, int digits) {
    const std::uint64_t positions = max_positions(digits);
    return type == OtpType::hotp ? positions - 1 : (positions - 1) / 2;
}

Result<SearchPlan> plan_search(const TokenInfo& info, std::span<const HistoryEntry> history,
                               const VerifyRequest& request) {
    if (info.description.type == OtpType::totp)
        return plan_totp(info, history, request);
    SearchPlan plan;
    plan.type = OtpType::hotp;
    plan.centre = info.description.counter;
    plan.radius = request.window.value_or(1);
    HWTOTP_TRY(check_window(OtpType::hotp, info.description.params.digits(), plan.radius));
    return plan;
}

Match find_match(const OtpKey& key, const Code& code, const SearchPlan& plan) {
    // The registry stores steps and counters as int64: one past that cannot be recorded, so it
    // is never a match (a token whose offset points there only fails).
    constexpr auto storable = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    // radius <= max_window (checked in the plan), so it fits an int64 step delta.
    const auto radius = static_cast<std::int64_t>(plan.radius);
    if (plan.type == OtpType::totp) {
        ScanOptions scan;
        scan.threads = 1;
        const Verification v = verify_code(key, code, plan.centre, plan.radius, scan);
        if (!v.matched || v.step > storable)
            return {};
        const bool used = plan.last_step && v.step <= *plan.last_step;
        return {used ? MatchKind::used : MatchKind::fresh, v.step};
    }
    if (plan.centre < storable) {
        // The next expected counter (the match + 1) must be storable too.
        const auto ahead =
            key.find(plan.centre, std::min(step_add(plan.centre, radius), storable - 1), code, 1);
        if (!ahead.empty())
            return {MatchKind::fresh, ahead.front()};
    }
    // A code for a counter already passed: a replay (the nearest such counter is reported).
    if (plan.centre == 0)
        return {};
    const std::uint64_t back = std::max<std::uint64_t>(plan.radius, 1);
    const std::uint64_t first = plan.centre - std::min(plan.centre, back);
    const auto behind = key.find(first, plan.centre - 1, code, back);
    if (behind.empty())
        return {};
    return {MatchKind::used, behind.back()};
}

}  // namespace hwtotp::store
