// hwtotp tokens list|show|remove|unlock (assign|unassign: cmd_tokens_owner.cpp): the registry's
// contents. Seeds are never printed, except by `show --reveal-seed` after confirmation.
#include <iomanip>
#include <istream>
#include <memory>
#include <ostream>
#include <sstream>

#include "commands.h"
#include "hwtotp/totp/otpauth.h"
#include "hwtotp/totp/terminal_text.h"
#include "hwtotp/totp/time_text.h"
#include "json_output.h"
#include "number_text.h"
#include "registry_access.h"

namespace hwtotp::cli {
namespace {

struct TokensOptions {
    std::string serial;
    bool reveal_seed = false;
    bool yes = false;
};

nlohmann::json token_json(const store::TokenInfo& info) {
    const auto& d = info.description;
    nlohmann::json j = params_json(d.params);
    j["serial"] = d.serial;
    j["type"] = store::otp_type_name(d.type);
    j["label"] = d.label;
    j["issuer"] = d.issuer;
    j["manufacturer"] = d.manufacturer;
    j["owner"] = d.owner.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.owner);
    if (d.type == OtpType::hotp)
        j["counter"] = d.counter;
    j["source"] = d.source;
    j["imported_at"] = info.imported_at;
    j["offset_steps"] = info.state.offset_steps;
    j["offset_seconds"] = info.state.offset_steps * d.params.period();
    j["last_step"] = info.state.last_step ? nlohmann::json(*info.state.last_step) : nullptr;
    j["failures"] = info.state.failures;
    j["last_failure_at"] =
        info.state.last_failure_at ? nlohmann::json(*info.state.last_failure_at) : nullptr;
    j["locked"] = info.state.locked;
    j["locked_since"] =
        info.state.locked_since ? nlohmann::json(*info.state.locked_since) : nullptr;
    return j;
}

Result<int> run_tokens_list(Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto registry, open_registry(ctx, RegistryAccess::read));
    HWTOTP_ASSIGN_OR_RETURN(auto tokens, registry.list());
    if (ctx.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& t : tokens)
            list.push_back(token_json(t));
        print_json(ctx, {{"registry", registry.paths().db}, {"tokens", list}});
        return exit_ok;
    }
    if (tokens.empty()) {
        ctx.out << "no tokens in " << escape_for_terminal(registry.paths().db)
                << " (add some with: hwtotp import FILE)\n";
        return exit_ok;
    }
    ctx.out << std::left << std::setw(20) << "SERIAL" << std::setw(6) << "TYPE" << std::setw(8)
            << "HASH" << std::setw(7) << "DIGITS" << std::setw(7) << "PERIOD" << std::setw(8)
            << "OFFSET" << std::setw(7) << "STATE" << std::setw(17) << "OWNER"
            << "ISSUER\n";
    for (const auto& t : tokens) {
        const auto& d = t.description;
        ctx.out << std::setw(20) << escape_for_terminal(d.serial) << std::setw(6)
                << store::otp_type_name(d.type) << std::setw(8) << hash_name(d.params.hash())
                << std::setw(7) << d.params.digits() << std::setw(7) << d.params.period()
                << std::setw(8) << signed_text(t.state.offset_steps) << std::setw(7)
                << (t.state.locked      ? "locked"
                    : t.state.last_step ? "used"
                                        : "new")
                << std::setw(17) << (d.owner.empty() ? "-" : escape_for_terminal(d.owner))
                << escape_for_terminal(d.issuer) << '\n';
    }
    return exit_ok;
}

std::string percent_encode(std::string_view text) {
    std::ostringstream out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
            out << static_cast<char>(c);
        } else {
            out << '%' << std::uppercase << std::hex << std::setw(2) << std::setfill('0')
                << static_cast<int>(c) << std::dec << std::setfill(' ');
        }
    }
    return out.str();
}

Result<int> reveal_seed(store::Registry& registry, const TokensOptions& o, Context& ctx) {
    if (ctx.json) {
        return fail(ErrorCode::invalid_input,
                    "--reveal-seed prints text only: seeds never go into --json output");
    }
    if (!o.yes) {
        if (!ctx.stdin_is_terminal) {
            return fail(ErrorCode::invalid_input,
                        "--reveal-seed prints the seed: confirm on a terminal, or add --yes");
        }
        ctx.err << "Print the seed of token " << escape_for_terminal(o.serial)
                << " (anyone who sees it can make its codes)? [y/N] " << std::flush;
        std::string answer;
        std::getline(ctx.in, answer);
        if (answer != "y" && answer != "Y" && answer != "yes") {
            ctx.err << "not revealed\n";
            return exit_negative;
        }
    }
    HWTOTP_ASSIGN_OR_RETURN(auto token, registry.get(o.serial));
    const auto& d = token.info.description;
    KeyUri uri;
    uri.type = d.type;
    uri.issuer = d.issuer;
    uri.account = d.label.empty() ? d.serial : d.label;
    uri.secret = std::move(token.seed);
    uri.params = d.params;
    uri.counter = d.counter;
    std::string text = format_otpauth_uri(uri) + "&serial=" + percent_encode(d.serial);
    ctx.out << text << '\n';
    wipe_memory(text.data(), text.size());
    return exit_ok;
}

Result<int> run_show(const TokensOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto registry, open_registry(ctx, RegistryAccess::read));
    if (o.reveal_seed)
        return reveal_seed(registry, o, ctx);
    HWTOTP_ASSIGN_OR_RETURN(auto info, registry.info(o.serial));
    HWTOTP_ASSIGN_OR_RETURN(auto history, registry.history(o.serial));
    const auto& d = info.description;
    const auto period = d.params.period();
    if (ctx.json) {
        nlohmann::json j = token_json(info);
        nlohmann::json h = nlohmann::json::array();
        for (const auto& e : history) {
            h.push_back({{"at", e.at},
                         {"offset_steps", e.offset_steps},
                         {"offset_seconds", e.offset_steps * period},
                         {"observed_by", store::observed_by_name(e.how)}});
        }
        j["history"] = h;
        print_json(ctx, j);
        return exit_ok;
    }
    ctx.out << "serial:        " << escape_for_terminal(d.serial) << '\n'
            << "type:          " << store::otp_type_name(d.type) << '\n'
            << "algorithm:     " << hash_name(d.params.hash()) << '\n'
            << "digits:        " << d.params.digits() << '\n'
            << "period:        " << period << " s\n"
            << "t0:            " << d.params.t0() << '\n';
    if (d.type == OtpType::hotp)
        ctx.out << "counter:       " << d.counter << '\n';
    ctx.out << "issuer:        " << escape_for_terminal(d.issuer) << '\n'
            << "label:         " << escape_for_terminal(d.label) << '\n'
            << "manufacturer:  " << escape_for_terminal(d.manufacturer) << '\n'
            << "owner:         " << (d.owner.empty() ? "none" : escape_for_terminal(d.owner))
            << '\n'
            << "source:        " << escape_for_terminal(d.source) << '\n'
            << "imported:      " << format_time(info.imported_at) << '\n'
            << "offset:        " << signed_text(info.state.offset_steps) << " steps ("
            << signed_text(info.state.offset_steps * period) << " s)\n"
            << "last step:     "
            << (info.state.last_step ? std::to_string(*info.state.last_step) : "none (unused)")
            << '\n'
            << "failures:      " << info.state.failures << '\n'
            << "locked:        "
            << (info.state.locked ? "yes" + (info.state.locked_since
                                                 ? " since " + format_time(*info.state.locked_since)
                                                 : std::string())
                                  : std::string("no"))
            << '\n'
            << "history:\n";
    for (const auto& e : history) {
        ctx.out << "  " << format_time(e.at) << "  " << std::setw(7) << signed_text(e.offset_steps)
                << " steps  " << store::observed_by_name(e.how) << '\n';
    }
    return exit_ok;
}

Result<int> run_remove(const TokensOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto registry, open_registry(ctx, RegistryAccess::write));
    HWTOTP_TRY(registry.remove(o.serial));
    if (ctx.json)
        print_json(ctx, {{"serial", o.serial}, {"removed", true}});
    else
        ctx.out << "removed token " << escape_for_terminal(o.serial) << '\n';
    return exit_ok;
}

Result<int> run_unlock(const TokensOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto registry, open_registry(ctx, RegistryAccess::write));
    HWTOTP_TRY(registry.unlock(o.serial));
    if (ctx.json)
        print_json(ctx, {{"serial", o.serial}, {"locked", false}, {"failures", 0}});
    else
        ctx.out << "unlocked token " << escape_for_terminal(o.serial) << " (failure count reset)\n";
    return exit_ok;
}

}  // namespace

void add_tokens_command(CLI::App& app, Context& ctx) {
    auto* tokens = app.add_subcommand("tokens", "List, show, remove or unlock registered tokens");
    tokens->require_subcommand(1);
    tokens->fallthrough(true);

    tokens->add_subcommand("list", "List the registry's tokens (never their seeds)")
        ->footer("Example:\n  hwtotp tokens list   # for scripts: hwtotp --json tokens list")
        ->callback([&ctx] { finish(ctx, run_tokens_list(ctx)); });

    auto show_opts = std::make_shared<TokensOptions>();
    auto* show = tokens->add_subcommand("show", "A token's parameters, state and offset history");
    show->add_option("SERIAL", show_opts->serial, "The token's serial")->required();
    show->add_flag("--reveal-seed", show_opts->reveal_seed,
                   "Print the seed as an otpauth URI (asks for confirmation)");
    show->add_flag("--yes", show_opts->yes, "Confirm --reveal-seed without asking");
    show->footer(
        "Example:\n  hwtotp tokens show GAKT12345678   # parameters, state, offset history");
    show->callback([show_opts, &ctx] { finish(ctx, run_show(*show_opts, ctx)); });

    auto remove_opts = std::make_shared<TokensOptions>();
    auto* remove = tokens->add_subcommand("remove", "Remove a token and its history");
    remove->add_option("SERIAL", remove_opts->serial, "The token's serial")->required();
    remove->footer("Example:\n  hwtotp tokens remove GAKT12345678");
    remove->callback([remove_opts, &ctx] { finish(ctx, run_remove(*remove_opts, ctx)); });

    auto unlock_opts = std::make_shared<TokensOptions>();
    auto* unlock = tokens->add_subcommand("unlock", "Clear a lockout and the failure count");
    unlock->add_option("SERIAL", unlock_opts->serial, "The token's serial")->required();
    unlock->footer("Example:\n  hwtotp tokens unlock GAKT12345678   # after 10 failures in a row");
    unlock->callback([unlock_opts, &ctx] { finish(ctx, run_unlock(*unlock_opts, ctx)); });
    add_tokens_owner_commands(*tokens, ctx);
}

}  // namespace hwtotp::cli
