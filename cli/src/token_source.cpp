// --token SERIAL: the key source and `verify --token`, backed by the token registry.
#include <ostream>

#include "drift_centre.h"
#include "hwtotp/store/verify.h"
#include "hwtotp/totp/terminal_text.h"
#include "json_output.h"
#include "key_options.h"
#include "number_text.h"
#include "registry_access.h"
#include "registry_hooks.h"

namespace hwtotp::cli {
namespace {

constexpr int max_failures = 10;

std::string_view status_name(store::VerifyStatus status) {
    switch (status) {
        case store::VerifyStatus::accepted:
            return "accepted";
        case store::VerifyStatus::rejected:
            return "rejected";
        case store::VerifyStatus::replay:
            return "replay";
        case store::VerifyStatus::locked:
            return "locked";
        case store::VerifyStatus::throttled:
            return "throttled";
    }
    return "rejected";
}

}  // namespace

Result<ResolvedKey> load_token_key(const std::string& serial, Context& ctx) {
    auto registry = open_registry(ctx);
    if (!registry)
        return tl::unexpected(registry.error());
    auto token = registry->get(serial);
    if (!token)
        return fail(token.error().code, "--token " + serial + ": " + token.error().message);
    ResolvedKey key;
    key.secret = std::move(token->seed);
    key.params = token->info.description.params;
    key.type = token->info.description.type;
    key.counter = token->info.description.counter;
    key.serial = serial;
    key.source = "--token " + serial;
    return key;
}

Result<int> verify_against_registry(const TokenVerifyRequest& request, Context& ctx) {
    auto registry = open_registry(ctx);
    if (!registry)
        return tl::unexpected(registry.error());
    store::VerifyRequest verify{.serial = request.serial,
                                .code = request.code,
                                .now = request.time,
                                .window = request.window,
                                .max_failures = max_failures};
    if (request.window_given)
        verify.first_use_seconds = 0;  // an explicit --window is taken as given
    // With two or more observed offsets, centre on the drift model's (bounded) prediction.
    auto drift = drift_centre(*registry, request.serial, request.time);
    if (!drift)
        return fail(drift.error().code, "--token " + request.serial + ": " + drift.error().message);
    if (*drift)
        verify.centre_offset_steps = (*drift)->centre_offset_steps;
    // The centre as searched (the stored offset changes when the code is accepted).
    std::int64_t centre_used = 0;
    if (*drift) {
        centre_used = (*drift)->centre_offset_steps;
    } else if (auto before = registry->info(request.serial); before) {
        centre_used = before->state.offset_steps;
    }
    auto outcome = store::verify_token(*registry, verify);
    if (!outcome)
        return fail(outcome.error().code,
                    "--token " + request.serial + ": " + outcome.error().message);
    const auto& o = *outcome;
    auto info = registry->info(request.serial);
    if (!info)
        return tl::unexpected(info.error());
    const bool hotp = info->description.type == OtpType::hotp;
    const auto period = info->description.params.period();

    if (ctx.json) {
        nlohmann::json j = params_json(info->description.params);
        j["serial"] = request.serial;
        j["type"] = hotp ? "hotp" : "totp";
        j["status"] = status_name(o.status);
        j["valid"] = o.status == store::VerifyStatus::accepted;
        j["time"] = request.time;
        j["window"] = o.window_used;
        j["first_use"] = o.first_use;
        j["failures"] = o.failures;
        j["locked"] = o.status == store::VerifyStatus::locked;
        if (o.status == store::VerifyStatus::throttled)
            j["retry_in"] = o.retry_in;
        j["centre_offset_steps"] = centre_used;
        j["centred_on"] = *drift ? "drift_prediction" : "stored_offset";
        if (o.status == store::VerifyStatus::accepted || o.status == store::VerifyStatus::replay) {
            j[hotp ? "matched_counter" : "matched_step"] = o.step;
            if (!hotp) {
                j["offset_steps"] = o.offset;
                j["offset_seconds"] = o.offset * period;
            }
        }
        print_json(ctx, j);
    }
    switch (o.status) {
        case store::VerifyStatus::accepted:
            if (!ctx.json) {
                ctx.out << "valid: token " << request.serial << ", "
                        << (hotp ? "counter " : "step ") << o.step;
                if (!hotp) {
                    ctx.out << ", offset " << signed_text(o.offset) << " steps ("
                            << signed_text(o.offset * period) << " s)";
                }
                ctx.out << "; recorded\n";
            }
            return exit_ok;
        case store::VerifyStatus::rejected:
            if (!ctx.json) {
                ctx.out << "no match for token " << request.serial << " within ±" << o.window_used
                        << (hotp ? " counters" : " steps") << " (" << o.failures
                        << " consecutive failure" << (o.failures == 1 ? "" : "s") << "; locked at "
                        << max_failures << ")\n";
            }
            return exit_negative;
        case store::VerifyStatus::replay:
            return report_error(
                ctx, Error{ErrorCode::replay, "token " + request.serial +
                                                  ": code already used (its step was accepted "
                                                  "before); wait for the next code"});
        case store::VerifyStatus::locked:
            return report_error(
                ctx, Error{ErrorCode::locked,
                           "token " + request.serial + " is locked after " +
                               std::to_string(std::max(o.failures, max_failures)) +
                               " consecutive failures (unlock with: hwtotp tokens unlock " +
                               shell_quote(request.serial) + ")"});
        case store::VerifyStatus::throttled:
            return report_error(
                ctx, Error{ErrorCode::locked,
                           "token " + request.serial + " throttled: " + std::to_string(o.failures) +
                               " failed attempts; retry in " + std::to_string(o.retry_in) + " s"});
    }
    return exit_negative;
}

}  // namespace hwtotp::cli
