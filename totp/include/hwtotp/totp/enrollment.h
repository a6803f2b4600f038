#pragma once
// The enrollment pre-check: are two codes read from a token a pair a verifier (AWS IAM, for
// one) will accept right now, and if not, why not?
//
// A verifier that enrolls a token wants codes for two consecutive steps n and n+1 where n+1 is
// its current step (or the previous one: the user needs a few seconds to type). This finds the
// step of the pair near `now` and names every problem at once: swapped order, identical codes,
// codes not one step apart, a stale pair, a token whose clock is fast or slow, codes that match
// nothing. Pure: the caller supplies the time.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "hwtotp/totp/code.h"
#include "hwtotp/totp/otp_key.h"
#include "hwtotp/totp/params.h"

namespace hwtotp {

// Stable, machine-readable reason ids (used in --json): never renamed, only added to.
enum class EnrollIssue {
    identical,        // code 1 == code 2
    swapped,          // code 2 is the step before code 1
    not_consecutive,  // both codes match, but not one step apart
    stale,            // the pair is older than the previous step (or the token runs slow)
    token_fast,       // code 2 is for a future step: the token's clock is ahead
    code1_unmatched,  // code 2 matches near now, code 1 nowhere next to it
    code2_unmatched,  // code 1 matches near now, code 2 nowhere next to it
    no_match,         // neither code matches within the search window
};

[[nodiscard]] std::string_view enroll_issue_id(EnrollIssue issue);  // "identical", ...

// One reason the pair is not ready, with the numbers behind it. The caller words it for its
// users (and its verifier): the engine names no verifier and no command. Which numbers apply
// depends on the issue; the others stay 0.
struct EnrollFinding {
    EnrollIssue issue;
    // not_consecutive: step of code 2 - step of code 1, for the closest single matches
    // (never 1; |gap| <= 20, farther apart is "unmatched" instead).
    std::int64_t gap_steps = 0;
    // stale, token_fast: step of code 2 - the current step (<= -2 stale, >= 1 fast).
    // code1_unmatched: the same for code 2's nearest single match; code2_unmatched: for code 1's.
    std::int64_t offset_steps = 0;
    // stale: seconds since code 2 stopped being current (it left the step it was shown in).
    std::int64_t stale_seconds = 0;
    // code1_unmatched, code2_unmatched: odds that a single code matches some step of the
    // search window by chance.
    double single_code_odds = 0;
};

struct EnrollmentCheck {
    std::uint64_t current_step = 0;
    std::uint64_t search_radius = 0;
    // The step of code 1 when the codes are a consecutive pair near now (nearest to now).
    std::optional<std::uint64_t> pair_step;
    // pair_step - current_step: the pair's offset from now, in steps.
    std::int64_t pair_offset_steps = 0;
    // (pair_step + 1) - current_step: how far the token's clock is from ours when code 2 is
    // what it shows now (0: in step; +k: k steps fast; -k: k steps old, or slow).
    std::int64_t clock_offset_steps = 0;
    // Seconds until code 2 leaves a verifier's ±1-step window (0 when it has left): the time
    // left to submit. Only meaningful with a pair.
    std::int64_t seconds_left = 0;
    // Unix time at which code 2 leaves the ±1-step window.
    std::int64_t submit_before = 0;
    std::size_t pairs_in_window = 0;  // >1: the pair also matches elsewhere (chance)
    bool ready = false;
    std::vector<EnrollFinding> findings;  // every reason it is not ready (empty when ready)
};

struct EnrollmentOptions {
    // Steps searched either side of now, for the pair and for each code alone (±24 h).
    std::uint64_t search_radius = 2880;
};

// Checks the pair at Unix time `now` (>= T0, else an error). Codes must have params.digits()
// digits. Identical codes are never ready: a token repeats a code in consecutive steps once in
// 10^digits, and a double entry or two reads within one step are far likelier.
[[nodiscard]] Result<EnrollmentCheck> check_enrollment(const OtpKey& key, const Params& params,
                                                       const Code& code1, const Code& code2,
                                                       std::int64_t now,
                                                       const EnrollmentOptions& options = {});

}  // namespace hwtotp
