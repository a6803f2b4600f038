// verify_token: validate, plan the window, count the attempt, look at the code, settle.

#include "hwtotp/store/verify.h"

#include <algorithm>
#include <vector>

#include "hwtotp/totp/otp_key.h"
#include "hwtotp/totp/steps.h"
#include "saturating.h"
#include "verify_search.h"

namespace hwtotp::store {
namespace {

// The lockout limit and the throttle delays, as the registry's attempt counter takes them.
AttemptRules attempt_rules() {
    AttemptRules rules;
    rules.max_failures = max_failures;
    for (int k = 0; k < max_failures; ++k)
        rules.waits.push_back(throttle_delay(k));
    return rules;
}

// What the outcome says before anything is counted: the token and the window searched.
VerifyOutcome describe(const TokenInfo& info, const SearchPlan& plan) {
    VerifyOutcome outcome;
    outcome.type = info.description.type;
    outcome.params = info.description.params;
    outcome.failures = info.state.failures;
    outcome.window_used = static_cast<std::int64_t>(plan.radius);  // <= max_window
    outcome.first_use = plan.first_use;
    outcome.centre_offset_steps = plan.centre_offset_steps;
    outcome.centred_on_prediction = plan.centred_on_prediction;
    return outcome;
}

// An attempt the registry did not count: the code was not looked at.
VerifyOutcome refused(VerifyOutcome outcome, const AttemptReservation& reservation) {
    outcome.failures = reservation.failures;
    switch (reservation.refusal) {
        case AttemptRefusal::locked:
            outcome.status = VerifyStatus::locked;
            break;
        case AttemptRefusal::limit:
            // The places are taken by attempts still being checked: they end in a lock, or
            // free a place, within moments.
            outcome.status = VerifyStatus::busy;
            outcome.retry_in = 1;
            break;
        case AttemptRefusal::throttled:
            outcome.status = VerifyStatus::throttled;
            outcome.retry_in = reservation.retry_in;
            break;
    }
    return outcome;
}

// A code that matched a step or counter: where, and how far from now's step (TOTP).
void note_match(VerifyOutcome& outcome, const SearchPlan& plan, const Match& match) {
    outcome.step = match.step;
    if (plan.type == OtpType::totp) {
        outcome.offset = step_diff(match.step, plan.now_step);
        outcome.offset_seconds = saturating_mul(outcome.offset, outcome.params.period());
    }
}

// Records what the code turned out to be, settling its counted attempt.
Result<VerifyOutcome> settle(Registry& registry, const VerifyRequest& request,
                             const Attempt& attempt, const SearchPlan& plan, const Match& match,
                             VerifyOutcome outcome) {
    outcome.code_checked = true;
    if (match.kind == MatchKind::none) {
        HWTOTP_ASSIGN_OR_RETURN(const FailureOutcome failed,
                                registry.record_failure(request.serial, attempt, request.now));
        outcome.failures = failed.failures;
        outcome.status = failed.locked ? VerifyStatus::locked : VerifyStatus::rejected;
        return outcome;
    }
    note_match(outcome, plan, match);
    AcceptOutcome recorded = AcceptOutcome::replay;
    if (match.kind == MatchKind::fresh) {
        HWTOTP_ASSIGN_OR_RETURN(
            recorded,
            plan.type == OtpType::hotp
                ? registry.record_hotp_accept(request.serial, attempt, match.step)
                : registry.record_accept(request.serial, attempt, match.step, outcome.offset,
                                         request.now, request.observed_by));
    }
    switch (recorded) {
        case AcceptOutcome::recorded:
            outcome.status = VerifyStatus::accepted;
            outcome.failures = 0;
            return outcome;
        case AcceptOutcome::replay:
            // Never a failure: whoever saw a used code could otherwise lock its owner out.
            HWTOTP_TRY(registry.release_attempt(request.serial, attempt));
            outcome.status = VerifyStatus::replay;
            outcome.failures = attempt.position - 1;
            return outcome;
        case AcceptOutcome::locked:
            outcome.status = VerifyStatus::locked;
            outcome.failures = attempt.position;
            return outcome;
    }
    return outcome;
}

}  // namespace

std::int64_t throttle_delay(int failures) {
    if (failures < throttle_after)
        return 0;
    // Doubling from 5 s; past 2^6 the cap applies anyway, so the shift never overflows.
    const int doublings = std::min(failures - throttle_after, 6);
    return std::min<std::int64_t>(std::int64_t{5} << doublings, throttle_cap_seconds);
}

Result<VerifyOutcome> verify_token(Registry& registry, const VerifyRequest& request) {
    HWTOTP_ASSIGN_OR_RETURN(const Token token, registry.get(request.serial));
    const TokenInfo& info = token.info;
    const Params& params = info.description.params;
    // Everything that can be refused as bad input is checked before the attempt is counted.
    if (request.code.length() != params.digits()) {
        return fail(ErrorCode::invalid_input, "token " + request.serial + " shows " +
                                                  std::to_string(params.digits()) +
                                                  "-digit codes; the code given has " +
                                                  std::to_string(request.code.length()));
    }
    std::vector<HistoryEntry> history;
    if (info.description.type == OtpType::totp) {
        HWTOTP_ASSIGN_OR_RETURN(history, registry.history(request.serial));
    }
    HWTOTP_ASSIGN_OR_RETURN(const SearchPlan plan, plan_search(info, history, request));
    HWTOTP_ASSIGN_OR_RETURN(const OtpKey key, OtpKey::create(token.seed, params.hash()));
    VerifyOutcome outcome = describe(info, plan);

    // Counted before the code is looked at: see registry.h, "Attempts".
    HWTOTP_ASSIGN_OR_RETURN(const AttemptReservation reservation,
                            registry.reserve_attempt(request.serial, request.now, attempt_rules()));
    if (!reservation.attempt)
        return refused(std::move(outcome), reservation);
    const Match match = find_match(key, request.code, plan);
    return settle(registry, request, *reservation.attempt, plan, match, std::move(outcome));
}

}  // namespace hwtotp::store
