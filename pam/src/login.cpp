#include "login.h"

#include "hwtotp/store/verify.h"

namespace hwtotp::pam {

UserToken find_user_token(const ModuleArgs& args, const std::string& user) {
    UserToken token;
    store::Registry::Options options;
    options.paths = store::RegistryPaths{args.db, args.key};
    // Never create a registry: a login against a missing one fails closed.
    options.access = store::Registry::Access::write;
    // One connection per login: checkpointing at every close would cost two more syncs.
    options.checkpoint_on_close = false;
    auto registry = store::Registry::open(options);
    if (!registry) {
        token.detail = registry.error().message;
        return token;
    }
    auto serial = registry->token_of_owner(user);
    if (!serial) {
        token.detail = serial.error().message;
        return token;
    }
    if (!*serial) {
        token.status = LoginOutcome::no_token;
        return token;
    }
    token.serial = **serial;
    token.registry.emplace(std::move(*registry));
    token.status = LoginOutcome::accepted;
    return token;
}

LoginResult verify_login(UserToken& token, const ModuleArgs& args, std::string_view answer,
                         std::int64_t now) {
    LoginResult result;
    auto code = Code::parse(answer);
    if (!code) {
        result.outcome = LoginOutcome::rejected;
        result.detail = "token " + token.serial + ": the answer is not a 6-8 digit code";
        return result;
    }
    store::VerifyRequest request{.serial = token.serial,
                                 .code = *code,
                                 .now = now,
                                 .window = std::nullopt,
                                 .observed_by = store::ObservedBy::login};
    if (args.window != 0)
        request.window = args.window;
    auto outcome = store::verify_token(*token.registry, request);
    if (!outcome) {
        result.outcome = outcome.error().code == ErrorCode::invalid_input
                             ? LoginOutcome::rejected
                             : LoginOutcome::unavailable;
        result.detail = "token " + token.serial + ": " + outcome.error().message;
        return result;
    }
    result.retry_in = outcome->retry_in;
    switch (outcome->status) {
        case store::VerifyStatus::accepted:
            result.outcome = LoginOutcome::accepted;
            result.detail = "token " + token.serial + " accepted";
            break;
        case store::VerifyStatus::rejected:
            result.outcome = LoginOutcome::rejected;
            result.detail = "token " + token.serial + ": wrong code (" +
                            std::to_string(outcome->failures) + " consecutive failures)";
            break;
        case store::VerifyStatus::replay:
            result.outcome = LoginOutcome::replay;
            result.detail = "token " + token.serial + ": code already used (replay refused)";
            break;
        case store::VerifyStatus::busy:  // attempts up to the limit are being checked now
        case store::VerifyStatus::throttled:
            result.outcome = LoginOutcome::throttled;
            result.detail = "token " + token.serial + ": throttled, retry in " +
                            std::to_string(outcome->retry_in) + " s";
            break;
        case store::VerifyStatus::locked:
            result.outcome = LoginOutcome::locked;
            result.detail = "token " + token.serial + " is locked";
            break;
    }
    return result;
}

}  // namespace hwtotp::pam
