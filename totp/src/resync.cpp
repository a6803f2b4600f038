#include "hwtotp/totp/resync.h"

#include <algorithm>
#include <cstdlib>

#include "hwtotp/totp/steps.h"

namespace hwtotp {

Result<StepRange> resync_range(const Params& params, std::int64_t now, const ResyncWindow& window) {
    HWTOTP_ASSIGN_OR_RETURN(auto current, step_at(params, now));
    if (!window.all)
        return window_around(current, window.radius);
    const auto future_steps = resync_all_future_seconds / params.period();
    return StepRange{0, step_add(current, future_steps)};
}

ResyncCodesProblem resync_codes_problem(const Params& params, const Code& code1,
                                        const Code& code2) {
    if (code1.length() != params.digits())
        return ResyncCodesProblem::code1_length;
    if (code2.length() != params.digits())
        return ResyncCodesProblem::code2_length;
    if (code1 == code2)
        return ResyncCodesProblem::same_codes;
    return ResyncCodesProblem::none;
}

Result<ResyncResult> resync(const OtpKey& key, const Params& params, const Code& code1,
                            const Code& code2, std::int64_t now, const ResyncWindow& window,
                            const ScanOptions& options) {
    switch (resync_codes_problem(params, code1, code2)) {
        case ResyncCodesProblem::none:
            break;
        case ResyncCodesProblem::code1_length:
        case ResyncCodesProblem::code2_length:
            return fail(ErrorCode::invalid_input, "the codes must have " +
                                                      std::to_string(params.digits()) +
                                                      " digits, as the token makes");
        case ResyncCodesProblem::same_codes:
            return fail(ErrorCode::invalid_input,
                        "code 1 and code 2 are the same: a resync needs two consecutive codes "
                        "(press the button, wait for the display to change, press again)");
    }
    HWTOTP_ASSIGN_OR_RETURN(auto range, resync_range(params, now, window));
    ResyncResult r;
    r.current_step = *step_at(params, now);
    r.searched = range;
    r.false_match_odds = false_match_odds(range.size(), params.digits(), 2);
    for (auto s : find_consecutive(key, code1, code2, range, options)) {
        r.matches.push_back(ResyncMatch{s, step_diff(step_add(s, 1), r.current_step)});
    }
    std::stable_sort(r.matches.begin(), r.matches.end(), [](const auto& a, const auto& b) {
        return std::llabs(a.offset_steps) < std::llabs(b.offset_steps);
    });
    return r;
}

}  // namespace hwtotp
