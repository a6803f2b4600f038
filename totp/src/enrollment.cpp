#include "hwtotp/totp/enrollment.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/window.h"

namespace hwtotp {
namespace {

// Two codes matched alone this close together are evidence of one mistyped step, not chance
// (about 41 · 10^-6 for a random pair).
constexpr std::int64_t max_gap_reported = 20;

std::string plural(std::int64_t n, const char* unit) {
    return std::to_string(n) + ' ' + unit + (std::llabs(n) == 1 ? "" : "s");
}

std::string odds_text(double odds) {
    std::ostringstream s;
    s.precision(2);
    s << odds;
    return s.str();
}

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

void add(EnrollmentCheck& c, EnrollIssue issue, std::string text) {
    c.findings.push_back(EnrollFinding{issue, std::move(text)});
}

// Timing of a code 2 found at step `code2_step`: fast, stale, or fine.
void judge_timing(EnrollmentCheck& c, const Params& params, std::uint64_t code2_step,
                  std::int64_t now) {
    const std::int64_t offset = step_diff(code2_step, c.current_step);
    const std::int64_t period = params.period();
    if (offset >= 1) {
        add(c, EnrollIssue::token_fast,
            "code 2 is for a step " + plural(offset, "step") + " (" +
                std::to_string(offset * period) +
                " s) ahead of this computer's clock: the token is fast, and AWS would register "
                "it out of sync (check this computer's clock; otherwise resync after "
                "enrolling)");
    } else if (offset <= -2) {
        const std::int64_t expired = now - step_start(params, step_add(code2_step, 1));
        add(c, EnrollIssue::stale,
            "code 2 stopped being current " + std::to_string(expired) +
                " s ago: the pair is stale by " + std::to_string(expired) +
                " s (read two new codes), or, if you just read it, the token's clock is " +
                std::to_string(-offset * period) + " s behind (resync after enrolling)");
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
    auto step = step_at(params, now);
    if (!step)
        return tl::unexpected(step.error());

    EnrollmentCheck c;
    c.current_step = *step;
    c.search_radius = options.search_radius;
    const StepRange range = window_around(c.current_step, options.search_radius);
    const std::string radius_text = "±" + std::to_string(options.search_radius) + " steps";
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
        if (identical) {
            add(c, EnrollIssue::identical,
                "code 1 and code 2 are the same (" + code1.str() +
                    "); the token really showed it in two consecutive steps, which happens "
                    "once in " +
                    std::to_string(power_of_ten(params.digits())) +
                    " steps, but a verifier cannot tell that from a double entry: wait for "
                    "the next code and use the last two");
        }
        judge_timing(c, params, step_add(*s, 1), now);
        c.ready = c.findings.empty();
        return c;
    }

    if (identical) {
        add(c, EnrollIssue::identical,
            "code 1 and code 2 are the same (" + code1.str() +
                "): a token repeats a code in consecutive steps with probability 10^-" +
                std::to_string(params.digits()) +
                "; you probably typed code 1 twice or read both codes within one step (press "
                "the button again after the display changes)");
        return c;
    }

    if (const auto swapped = nearest(find_consecutive(key, code2, code1, range), c.current_step)) {
        add(c, EnrollIssue::swapped,
            "the codes are in the wrong order: " + code2.str() + " comes one step before " +
                code1.str() + " (enter " + code2.str() + " as code 1 and " + code1.str() +
                " as code 2)");
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
        const std::int64_t gap = step_diff(close->second, close->first);
        add(c, EnrollIssue::not_consecutive,
            gap > 0 ? "the codes are not consecutive: code 2 is " + plural(gap, "step") +
                          " after code 1 (" + std::to_string(gap * params.period()) +
                          " s); AWS needs the very next code (exactly 1 step)"
                    : "the codes are not consecutive: code 2 is " + plural(-gap, "step") +
                          " before code 1; AWS needs code 2 to be the very next code after "
                          "code 1");
        judge_timing(c, params, close->second, now);
        return c;
    }

    const double single_odds = false_match_odds(range.size(), params.digits(), 1);
    const auto n1 = nearest(hits1, c.current_step);
    const auto n2 = nearest(hits2, c.current_step);
    const auto where = [&](std::uint64_t s) {
        const std::int64_t d = step_diff(s, c.current_step);
        return "matches step " + std::string(d > 0 ? "+" : "") + std::to_string(d) + " (" +
               std::to_string(d * params.period()) +
               " s from now; a single code matches by "
               "chance in " +
               radius_text + " with probability " + odds_text(single_odds) + ")";
    };
    if (n1 && !n2) {
        add(c, EnrollIssue::code2_unmatched,
            "code 1 " + where(*n1) + ", but code 2 matches no step near it: mistyped code 2?");
    } else if (n2 && !n1) {
        add(c, EnrollIssue::code1_unmatched,
            "code 2 " + where(*n2) + ", but code 1 matches no step near it: mistyped code 1?");
    } else {
        add(c, EnrollIssue::no_match,
            "neither code matches the seed as a pair within " + radius_text +
                " of now: a typo, the wrong seed or serial, or a token clock more than " +
                std::to_string(options.search_radius * static_cast<std::uint64_t>(params.period()) /
                               3600) +
                " h off (find it with: hwtotp resync --search-window all)");
    }
    return c;
}

}  // namespace hwtotp
