// What the SQLite and PostgreSQL backends share: messages and the rules that explain a refusal.

#include <algorithm>

#include "backend.h"
#include "hwtotp/store/hints.h"
#include "saturating.h"

namespace hwtotp::store {

Error no_such_token(std::string_view serial, const std::string& registry) {
    return Error{ErrorCode::not_found, "no token with serial " + std::string(serial) +
                                           " in the registry " + registry + " (" +
                                           std::string(hint::list_tokens) + ")"};
}

Result<Params> stored_params(const std::string& registry, const std::string& serial,
                             const std::string& hash, std::int64_t digits, std::int64_t period,
                             std::int64_t t0) {
    auto params = parse_hash(hash).and_then(
        [&](Hash h) { return Params::create(h, static_cast<int>(digits), period, t0); });
    if (!params) {
        return fail(ErrorCode::registry, "registry " + registry + ": token " + serial +
                                             " has invalid parameters: " + params.error().message);
    }
    return *params;
}

AttemptReservation explain_refused_attempt(bool locked, int failures, std::int64_t last_failure_at,
                                           std::int64_t now, const AttemptRules& rules) {
    AttemptReservation reservation;
    reservation.failures = failures;
    if (locked) {
        reservation.refusal = AttemptRefusal::locked;
    } else if (failures >= rules.max_failures) {
        reservation.refusal = AttemptRefusal::limit;
    } else {
        // Neither locked nor at the limit: the throttle refused it, so the wait applies.
        reservation.refusal = AttemptRefusal::throttled;
        const auto k = static_cast<std::size_t>(std::max(failures, 0));
        const std::int64_t wait = k < rules.waits.size() ? rules.waits[k] : 0;
        // Seconds from `now` until `last_failure + wait`, saturating, at least 1.
        reservation.retry_in =
            std::max<std::int64_t>(1, saturating_add(saturating_sub(last_failure_at, now), wait));
    }
    return reservation;
}

std::vector<ThrottleThreshold> throttle_thresholds(const AttemptRules& rules, std::int64_t now) {
    std::vector<ThrottleThreshold> thresholds;
    const auto counted = static_cast<std::size_t>(std::max(rules.max_failures, 0));
    for (std::size_t k = 0; k < rules.waits.size() && k < counted; ++k) {
        if (rules.waits[k] > 0)
            thresholds.push_back({static_cast<int>(k), saturating_sub(now, rules.waits[k] - 1)});
    }
    return thresholds;
}

AcceptOutcome explain_refused_accept(bool locked, std::optional<std::int64_t> stored, bool hotp,
                                     std::uint64_t matched) {
    const bool used = stored && (hotp ? static_cast<std::uint64_t>(*stored) > matched
                                      : static_cast<std::uint64_t>(*stored) >= matched);
    return used || !locked ? AcceptOutcome::replay : AcceptOutcome::locked;
}

}  // namespace hwtotp::store
