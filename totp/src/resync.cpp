#include "hwtotp/totp/resync.h"

#include <algorithm>
#include <cstdlib>

#include "hwtotp/totp/steps.h"

namespace hwtotp {

Result<StepRange> resync_range(const Params& params, std::int64_t now, const ResyncWindow& window) {
    auto current = step_at(params, now);
    if (!current)
        return tl::unexpected(current.error());
    if (!window.all)
        return window_around(*current, window.radius);
    const auto future_steps = resync_all_future_seconds / params.period();
    return StepRange{0, step_add(*current, future_steps)};
}

Result<ResyncResult> resync(const OtpKey& key, const Params& params, const Code& code1,
                            const Code& code2, std::int64_t now, const ResyncWindow& window,
                            const ScanOptions& options) {
    if (code1.length() != params.digits() || code2.length() != params.digits()) {
        return fail(ErrorCode::invalid_input, "the codes must have " +
                                                  std::to_string(params.digits()) +
                                                  " digits, as the token makes");
    }
    if (code1 == code2) {
        return fail(ErrorCode::invalid_input,
                    "code 1 and code 2 are the same: a resync needs two consecutive codes "
                    "(press the button, wait for the display to change, press again)");
    }
    auto range = resync_range(params, now, window);
    if (!range)
        return tl::unexpected(range.error());
    ResyncResult r;
    r.current_step = *step_at(params, now);
    r.searched = *range;
    r.false_match_odds = false_match_odds(range->size(), params.digits(), 2);
    for (auto s : find_consecutive(key, code1, code2, *range, options)) {
        r.matches.push_back(ResyncMatch{s, step_diff(step_add(s, 1), r.current_step)});
    }
    std::stable_sort(r.matches.begin(), r.matches.end(), [](const auto& a, const auto& b) {
        return std::llabs(a.offset_steps) < std::llabs(b.offset_steps);
    });
    return r;
}

}  // namespace hwtotp
