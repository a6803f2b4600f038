#include "hwtotp/totp/enrollment.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/window.h"

namespace hwtotp {
namespace {

// Two codes matched alone this close together are evidence of one mistyped step, not chance
// (about 41 · 10^-6 for a random pair).
constexpr std::int64_t max_gap_reported = 20;

// The match in `steps` nearest `centre` (ties: the earlier one), if any.
std::optional<std::uint64_t> nearest(const std::vector<std::uint64_t>& steps,
                                     std::uint64_t centre) {
    std::optional<std::uint64_t> best;
    for (auto s : steps) {
        if (!best || std::llabs(step_diff(s, centre)) < std::llabs(step_diff(*best, centre)))
            best = s;
    }
    return best;
}

EnrollFinding& add(EnrollmentCheck& c, EnrollIssue issue) {
    c.findings.push_back(EnrollFinding{issue});
    return c.findings.back();
}

// Timing of a code 2 found at step `code2_step`: fast, stale, or fine.
void judge_timing(EnrollmentCheck& c, const Params& params, std::uint64_t code2_step,
                  std::int64_t now) {
    const std::int64_t offset = step_diff(code2_step, c.current_step);
    if (offset >= 1) {
        add(c, EnrollIssue::token_fast).offset_steps = offset;
    } else if (offset <= -2) {
        auto& f = add(c, EnrollIssue::stale);
        f.offset_steps = offset;
        f.stale_seconds = now - step_start(params, step_add(code2_step, 1));
    }
}

}  // namespace

std::string_view enroll_issue_id(EnrollIssue issue) {
    switch (issue) {
        case EnrollIssue::identical:
            return "identical";
        case EnrollIssue::swapped:
            return "swapped";
        case EnrollIssue::not_consecutive:
            return "not_consecutive";
        case EnrollIssue::stale:
            return "stale";
        case EnrollIssue::token_fast:
            return "token_fast";
        case EnrollIssue::code1_unmatched:
            return "code1_unmatched";
        case EnrollIssue::code2_unmatched:
            return "code2_unmatched";
        case EnrollIssue::no_match:
            return "no_match";
    }
    return "unknown";
}

Result<EnrollmentCheck> check_enrollment(const OtpKey& key, const Params& params, const Code& code1,
                                         const Code& code2, std::int64_t now,
                                         const EnrollmentOptions& options) {
    if (code1.length() != params.digits() || code2.length() != params.digits()) {
        return fail(ErrorCode::invalid_input, "the codes must have " +
                                                  std::to_string(params.digits()) +
                                                  " digits, as the token makes");
    }
    HWTOTP_ASSIGN_OR_RETURN(const std::uint64_t step, step_at(params, now));

    EnrollmentCheck c;
    c.current_step = step;
    c.search_radius = options.search_radius;
    const StepRange range = window_around(c.current_step, options.search_radius);
    const bool identical = code1 == code2;

    const auto pairs = find_consecutive(key, code1, code2, range);
    c.pairs_in_window = pairs.size();
    if (auto s = nearest(pairs, c.current_step)) {
        c.pair_step = *s;
        c.pair_offset_steps = step_diff(*s, c.current_step);
        c.clock_offset_steps = c.pair_offset_steps + 1;
        // Code 2 (step s+1) is inside a ±1 window while the verifier's step is <= s+2.
        c.submit_before = step_start(params, step_add(*s, 3));
        c.seconds_left = std::max<std::int64_t>(0, c.submit_before - now);
        if (identical)
            add(c, EnrollIssue::identical);  // the token showed it twice, or a double entry
        judge_timing(c, params, step_add(*s, 1), now);
        c.ready = c.findings.empty();
        return c;
    }

    if (identical) {
        add(c, EnrollIssue::identical);
        return c;
    }

    if (const auto swapped = nearest(find_consecutive(key, code2, code1, range), c.current_step)) {
        add(c, EnrollIssue::swapped);
        judge_timing(c, params, step_add(*swapped, 1), now);
        return c;
    }

    const auto hits1 = find_code(key, code1, range);
    const auto hits2 = find_code(key, code2, range);
    // The closest pair of single matches, if they are near each other: a skipped or repeated
    // button press, or a code read one display too late.
    std::optional<std::pair<std::uint64_t, std::uint64_t>> close;
    for (auto a : hits1) {
        for (auto b : hits2) {
            const std::int64_t gap = step_diff(b, a);
            if (std::llabs(gap) > max_gap_reported)
                continue;
            if (!close || std::llabs(gap) < std::llabs(step_diff(close->second, close->first)))
                close = std::pair{a, b};
        }
    }
    if (close) {
        add(c, EnrollIssue::not_consecutive).gap_steps = step_diff(close->second, close->first);
        judge_timing(c, params, close->second, now);
        return c;
    }

    const double single_odds = false_match_odds(range.size(), params.digits(), 1);
    const auto n1 = nearest(hits1, c.current_step);
    const auto n2 = nearest(hits2, c.current_step);
    if (n1 && !n2) {
        auto& f = add(c, EnrollIssue::code2_unmatched);
        f.offset_steps = step_diff(*n1, c.current_step);
        f.single_code_odds = single_odds;
    } else if (n2 && !n1) {
        auto& f = add(c, EnrollIssue::code1_unmatched);
        f.offset_steps = step_diff(*n2, c.current_step);
        f.single_code_odds = single_odds;
    } else {
        add(c, EnrollIssue::no_match);
    }
    return c;
}

}  // namespace hwtotp
