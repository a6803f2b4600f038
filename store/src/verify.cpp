// verify --token: window around the stored offset, atomic replay check, lockout.

#include "hwtotp/store/verify.h"

#include <algorithm>

#include "hwtotp/totp/otp_key.h"
#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/window.h"

namespace hwtotp::store {
namespace {

VerifyStatus status_of(AcceptOutcome outcome) {
    switch (outcome) {
        case AcceptOutcome::recorded:
            return VerifyStatus::accepted;
        case AcceptOutcome::replay:
            return VerifyStatus::replay;
        case AcceptOutcome::locked:
            return VerifyStatus::locked;
    }  // throttled is decided before any write
    return VerifyStatus::rejected;
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
    auto token = registry.get(request.serial);
    if (!token)
        return tl::unexpected(token.error());
    const TokenInfo& info = token->info;
    const Params& params = info.description.params;
    VerifyOutcome outcome;
    outcome.failures = info.state.failures;
    if (info.state.locked) {
        outcome.status = VerifyStatus::locked;
        return outcome;
    }
    // Throttled before the code is looked at: a refused attempt reveals nothing and costs nothing.
    // A clock set back before the last failure also waits (last_failure + delay - now > delay).
    if (const auto delay = throttle_delay(info.state.failures);
        delay > 0 && info.state.last_failure_at &&
        request.now < *info.state.last_failure_at + delay) {
        outcome.status = VerifyStatus::throttled;
        outcome.retry_in = *info.state.last_failure_at + delay - request.now;
        return outcome;
    }
    if (request.code.length() != params.digits()) {
        return fail(ErrorCode::invalid_input, "token " + request.serial + " shows " +
                                                  std::to_string(params.digits()) +
                                                  "-digit codes; the code given has " +
                                                  std::to_string(request.code.length()));
    }
    auto key = OtpKey::create(token->seed, params.hash());
    if (!key)
        return tl::unexpected(key.error());

    bool matched = false;
    std::uint64_t matched_step = 0;
    if (info.description.type == OtpType::hotp) {
        const std::uint64_t first = info.description.counter;
        const std::uint64_t last = step_add(first, static_cast<std::int64_t>(request.window));
        const auto found = key->find(first, last, request.code, 1);
        outcome.window_used = static_cast<std::int64_t>(request.window);
        if (!found.empty()) {
            matched = true;
            matched_step = found.front();
        }
    } else {
        auto now_step = step_at(params, request.now);
        if (!now_step)
            return tl::unexpected(now_step.error());
        const std::uint64_t centre =
            step_add(*now_step, request.centre_offset_steps.value_or(info.state.offset_steps));
        std::uint64_t radius = request.window;
        if (!info.state.last_step) {
            // First use after import: vendors' tokens arrive already drifted.
            const auto first_use_steps =
                (request.first_use_seconds + static_cast<std::uint64_t>(params.period()) - 1) /
                static_cast<std::uint64_t>(params.period());
            radius = std::max(radius, first_use_steps);
            outcome.first_use = true;
        }
        outcome.window_used = static_cast<std::int64_t>(radius);
        ScanOptions scan;
        scan.threads = 1;
        const Verification v = verify_code(*key, request.code, centre, radius, scan);
        if (v.matched) {
            matched = true;
            matched_step = v.step;
            outcome.offset = step_diff(v.step, *now_step);
        }
    }

    if (!matched) {
        auto failed = registry.record_failure(request.serial, request.max_failures, request.now);
        if (!failed)
            return tl::unexpected(failed.error());
        outcome.failures = failed->failures;
        outcome.status = failed->locked ? VerifyStatus::locked : VerifyStatus::rejected;
        return outcome;
    }
    outcome.step = matched_step;
    // An earlier step than the last accepted one is a replay before any write is attempted.
    if (info.description.type == OtpType::totp && info.state.last_step &&
        matched_step <= *info.state.last_step) {
        outcome.status = VerifyStatus::replay;
        return outcome;
    }
    auto recorded = info.description.type == OtpType::hotp
                        ? registry.record_hotp_accept(request.serial, matched_step)
                        : registry.record_accept(request.serial, matched_step, outcome.offset,
                                                 request.now, ObservedBy::verify);
    if (!recorded)
        return tl::unexpected(recorded.error());
    outcome.status = status_of(*recorded);
    if (outcome.status == VerifyStatus::accepted)
        outcome.failures = 0;
    return outcome;
}

}  // namespace hwtotp::store
