// --token SERIAL: the key source and `verify --token`, backed by the token registry. The
// verifier's rules are the store's (store::verify_token); this file builds its request and
// renders its outcome.
#include <ostream>

#include "hwtotp/store/verify.h"
#include "hwtotp/totp/terminal_text.h"
#include "json_output.h"
#include "key_options.h"
#include "number_text.h"
#include "registry_access.h"
#include "registry_hooks.h"

namespace hwtotp::cli {
namespace {

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
        case store::VerifyStatus::busy:
            return "busy";
    }
    return "rejected";
}

void print_outcome_json(const TokenVerifyRequest& request, const store::VerifyOutcome& o,
                        Context& ctx) {
    const bool hotp = o.type == OtpType::hotp;
    nlohmann::json j = params_json(o.params);
    j["serial"] = request.serial;
    j["type"] = hotp ? "hotp" : "totp";
    j["status"] = status_name(o.status);
    j["valid"] = o.status == store::VerifyStatus::accepted;
    j["code_checked"] = o.code_checked;
    j["time"] = request.time;
    j["window"] = o.window_used;
    j["first_use"] = o.first_use;
    j["failures"] = o.failures;
    j["max_failures"] = o.limit;
    j["locked"] = o.status == store::VerifyStatus::locked;
    if (o.status == store::VerifyStatus::throttled || o.status == store::VerifyStatus::busy)
        j["retry_in"] = o.retry_in;
    j["centre_offset_steps"] = o.centre_offset_steps;
    j["centred_on"] = o.centred_on_prediction ? "drift_prediction" : "stored_offset";
    if (o.status == store::VerifyStatus::accepted || o.status == store::VerifyStatus::replay) {
        j[hotp ? "matched_counter" : "matched_step"] = o.step;
        if (!hotp) {
            j["offset_steps"] = o.offset;
            j["offset_seconds"] = o.offset_seconds;
        }
    }
    print_json(ctx, j);
}

// The human line (stdout) or the error (stderr, exit 5) for each status.
int render_outcome(const TokenVerifyRequest& request, const store::VerifyOutcome& o, Context& ctx) {
    const bool hotp = o.type == OtpType::hotp;
    const std::string& serial = request.serial;
    switch (o.status) {
        case store::VerifyStatus::accepted:
            if (!ctx.json) {
                ctx.out << "valid: token " << serial << ", " << (hotp ? "counter " : "step ")
                        << o.step;
                if (!hotp) {
                    ctx.out << ", offset " << signed_text(o.offset) << " steps ("
                            << signed_text(o.offset_seconds) << " s)";
                }
                ctx.out << "; recorded\n";
            }
            return exit_ok;
        case store::VerifyStatus::rejected:
            if (!ctx.json) {
                ctx.out << "no match for token " << serial << " within ±" << o.window_used
                        << (hotp ? " counters" : " steps") << " (" << o.failures
                        << " consecutive failure" << (o.failures == 1 ? "" : "s") << "; locked at "
                        << o.limit << ")\n";
            }
            return exit_negative;
        case store::VerifyStatus::replay:
            return report_error(
                ctx, Error{ErrorCode::replay, "token " + serial + ": code already used (its " +
                                                  (hotp ? "counter" : "step") +
                                                  " was accepted before); wait for the next code"});
        case store::VerifyStatus::locked:
            return report_error(
                ctx, Error{ErrorCode::locked, "token " + serial + " is locked after " +
                                                  std::to_string(std::max(o.failures, o.limit)) +
                                                  " consecutive failures (unlock with: hwtotp "
                                                  "tokens unlock " +
                                                  shell_quote(serial) + ")"});
        case store::VerifyStatus::throttled:
            return report_error(
                ctx, Error{ErrorCode::locked,
                           "token " + serial + " throttled: " + std::to_string(o.failures) +
                               " failed attempts; retry in " + std::to_string(o.retry_in) + " s"});
        case store::VerifyStatus::busy:
            return report_error(
                ctx, Error{ErrorCode::locked,
                           "token " + serial + " busy: " + std::to_string(o.failures) +
                               " attempts are counted or being checked, the most allowed "
                               "before a lock; retry in " +
                               std::to_string(o.retry_in) + " s"});
    }
    return exit_negative;
}

// A verifier error, worded for the command line. A window the store refuses as too wide gets
// the way to find a drifted TOTP token's offset: two consecutive codes, not a wider window.
Error verify_error(const TokenVerifyRequest& request, store::Registry& registry, Error error) {
    const std::string prefix = "--token " + request.serial;
    if (error.code == ErrorCode::invalid_input && request.window) {
        auto info = registry.info(request.serial);
        if (info && *request.window > store::max_window(info->description.type,
                                                        info->description.params.digits())) {
            std::string hint;
            if (info->description.type == OtpType::totp) {
                hint =
                    "; to find how far the token has drifted, resync with two consecutive "
                    "codes: hwtotp resync --token " +
                    request.serial + " --code1 CODE --code2 NEXT";
            }
            return Error{error.code, "--window " + std::to_string(*request.window) + " with " +
                                         prefix + ": " + error.message + hint};
        }
    }
    return with_context(prefix + ": ", std::move(error));
}

}  // namespace

Result<ResolvedKey> load_token_key(const std::string& serial, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto registry, open_registry(ctx, RegistryAccess::read));
    auto token = registry.get(serial);
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
    HWTOTP_ASSIGN_OR_RETURN(auto registry, open_registry(ctx, RegistryAccess::write));
    auto outcome = store::verify_token(registry, store::VerifyRequest{.serial = request.serial,
                                                                      .code = request.code,
                                                                      .now = request.time,
                                                                      .window = request.window});
    if (!outcome)
        return tl::unexpected(verify_error(request, registry, std::move(outcome.error())));
    if (ctx.json)
        print_outcome_json(request, *outcome, ctx);
    return render_outcome(request, *outcome, ctx);
}

}  // namespace hwtotp::cli
