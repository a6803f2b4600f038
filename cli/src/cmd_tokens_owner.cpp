// hwtotp tokens assign SERIAL USER [--code CODE] / tokens unassign SERIAL: a token's owner, the
// user a PAM login maps to it. With --code the token is assigned only if the code verifies now
// through the registry verifier (which records its step): proof that the token in the user's
// hand is the one in the registry (privacyIDEA #2441, LinOTP #45 ask for this).
#include <memory>
#include <ostream>

#include "commands.h"
#include "hwtotp/store/verify.h"
#include "hwtotp/totp/terminal_text.h"
#include "json_output.h"
#include "registry_access.h"
#include "time_option.h"

namespace hwtotp::cli {
namespace {

struct AssignOptions {
    std::string serial;
    std::string owner;
    std::string code;
    std::string time;
};

// The code must verify before anything is assigned; a wrong code counts as a failure, as any
// verify does.
Result<void> require_verified(store::Registry& registry, const AssignOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(const auto code, Code::parse(o.code, "--code"));
    HWTOTP_ASSIGN_OR_RETURN(const auto now, resolve_time(o.time, ctx));
    auto outcome = store::verify_token(
        registry, store::VerifyRequest{.serial = o.serial, .code = code, .now = now});
    if (!outcome)
        return tl::unexpected(with_context("--token " + o.serial + ": ", outcome.error()));
    switch (outcome->status) {
        case store::VerifyStatus::accepted:
            return {};
        case store::VerifyStatus::rejected:
            return fail(ErrorCode::invalid_input,
                        "--code does not match token " + o.serial +
                            " now: nothing was assigned (read the token's current code)");
        case store::VerifyStatus::replay:
            return fail(ErrorCode::replay, "--code was already used for token " + o.serial +
                                               ": nothing was assigned (wait for the next code)");
        case store::VerifyStatus::locked:
        case store::VerifyStatus::throttled:
        case store::VerifyStatus::busy:
            return fail(ErrorCode::locked, "token " + o.serial +
                                               " is locked or throttled: nothing was assigned "
                                               "(see: hwtotp tokens show " +
                                               shell_quote(o.serial) + ")");
    }
    return {};
}

Result<int> run_assign(const AssignOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto registry, open_registry(ctx, RegistryAccess::write));
    const bool verified = !o.code.empty();
    if (verified)
        HWTOTP_TRY(require_verified(registry, o, ctx));
    HWTOTP_TRY(registry.assign_owner(o.serial, o.owner));
    if (ctx.json) {
        print_json(ctx, {{"serial", o.serial}, {"owner", o.owner}, {"verified", verified}});
    } else {
        ctx.out << "assigned token " << escape_for_terminal(o.serial) << " to "
                << escape_for_terminal(o.owner)
                << (verified ? " (its code verified and was recorded)\n" : "\n");
    }
    return exit_ok;
}

Result<int> run_unassign(const AssignOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto registry, open_registry(ctx, RegistryAccess::write));
    HWTOTP_TRY(registry.unassign_owner(o.serial));
    if (ctx.json)
        print_json(ctx, {{"serial", o.serial}, {"owner", nullptr}});
    else
        ctx.out << "token " << escape_for_terminal(o.serial) << " has no owner now\n";
    return exit_ok;
}

}  // namespace

void add_tokens_owner_commands(CLI::App& tokens, Context& ctx) {
    auto assign_opts = std::make_shared<AssignOptions>();
    auto* assign = tokens.add_subcommand("assign", "Give a token to a user (one token per user)");
    assign->add_option("SERIAL", assign_opts->serial, "The token's serial")->required();
    assign->add_option("USER", assign_opts->owner, "The user (a login name, a UPN)")->required();
    assign
        ->add_option("--code", assign_opts->code,
                     "Assign only if this code verifies now (and record it)")
        ->type_name("CODE");
    add_time_option(*assign, assign_opts->time, "Verify --code at this time (default now)");
    assign->footer(
        "A user who already owns a token keeps it: unassign it first.\n"
        "Example:\n  hwtotp tokens assign GAKT12345678 alice --code 123456");
    assign->callback([assign_opts, &ctx] { finish(ctx, run_assign(*assign_opts, ctx)); });

    auto unassign_opts = std::make_shared<AssignOptions>();
    auto* unassign = tokens.add_subcommand("unassign", "Take a token from its user");
    unassign->add_option("SERIAL", unassign_opts->serial, "The token's serial")->required();
    unassign->footer("Example:\n  hwtotp tokens unassign GAKT12345678");
    unassign->callback([unassign_opts, &ctx] { finish(ctx, run_unassign(*unassign_opts, ctx)); });
}

}  // namespace hwtotp::cli
