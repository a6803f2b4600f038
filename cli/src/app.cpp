#include "app.h"

#include <algorithm>
#include <exception>
#include <ostream>
#include <string>
#include <string_view>

#include "commands.h"
#include "version.h"

namespace hwtotp::cli {
namespace {

// Every subcommand, in the order `hwtotp --help` lists them.
void add_commands(CLI::App& app, Context& ctx) {
    add_code_command(app, ctx);
    add_verify_command(app, ctx);
    add_check_command(app, ctx);
    add_enroll_command(app, ctx);
    add_resync_command(app, ctx);
    add_drift_command(app, ctx);
    add_simulate_command(app, ctx);
    add_device_command(app, ctx);
    add_import_command(app, ctx);
    add_export_command(app, ctx);
    add_tokens_command(app, ctx);
    add_audit_command(app, ctx);
    add_registry_command(app, ctx);
}

std::string usage_hint(const CLI::App& app) {
    for (const auto* sub : app.get_subcommands()) {
        return " (see: hwtotp " + sub->get_name() + " --help)";
    }
    return " (see: hwtotp --help)";
}

// CLI11's message for a parse error, in hwtotp's words where CLI11's would not say what is
// accepted. Every option but the flags takes text that its command parses itself, so only a
// flag given a value CLI11 cannot read as a boolean ("--strict=maybe") fails to convert.
std::string parse_error_text(const CLI::ParseError& e) {
    std::string what = e.what();
    constexpr std::string_view conversion = "Could not convert: ";
    if (dynamic_cast<const CLI::ConversionError*>(&e) != nullptr && what.starts_with(conversion)) {
        const std::string rest = what.substr(conversion.size());  // "--strict = maybe"
        const auto eq = rest.find(" = ");
        if (eq != std::string::npos) {
            const std::string flag = rest.substr(0, eq);
            return flag + "=" + rest.substr(eq + 3) + " is not accepted (accepted: " + flag +
                   " alone, " + flag + "=true or " + flag + "=false)";
        }
    }
    return what.empty() ? "invalid command line" : what;
}

}  // namespace

int run(int argc, const char* const* argv, Context& ctx) {
    CLI::App app{"hwtotp: check, simulate, resync and audit hardware TOTP tokens", "hwtotp"};
    app.set_version_flag("--version", std::string("hwtotp ") + version_string);
    app.require_subcommand(1);
    app.fallthrough(true);  // global options may follow the subcommand name
    app.add_flag("--json", ctx.json, "Print one JSON object on stdout");
    auto* db_option = app.add_option("--db", ctx.db_path,
                                     "Token registry file or postgresql:// URI (default "
                                     "$HWTOTP_DB, then $XDG_DATA_HOME/hwtotp/tokens.db)")
                          ->type_name("PATH|URI");
    // CLI11 2.1 runs no validator on an empty value; this runs after parsing, before any
    // subcommand does.
    app.parse_complete_callback([db_option, &ctx] {
        if (db_option->count() == 0)
            return;
        if (auto refused = non_empty_registry_path(ctx.db_path); !refused.empty())
            throw CLI::ValidationError("--db", refused);
    });
    app.footer(
        "Exit codes: 0 ok/valid/ready, 1 negative answer, 2 bad input, 3 device error, "
        "4 registry error, 5 locked out or replay.\nRun 'hwtotp COMMAND --help' for a "
        "command's options and an example.");
    add_commands(app, ctx);

    // CLI11 reports an unknown first word as "a subcommand is required"; name it instead.
    const auto all = app.get_subcommands([](CLI::App*) { return true; });
    const bool known = argc > 1 && std::any_of(all.begin(), all.end(), [&](const CLI::App* sub) {
                           return sub->get_name() == argv[1];
                       });
    if (argc > 1 && argv[1][0] != '-' && !known) {
        std::string names;
        for (const auto* sub : all) {
            names += (names.empty() ? "" : ", ") + sub->get_name();
        }
        ctx.err << "hwtotp: error: unknown command '" << argv[1] << "' (accepted: " << names
                << ")\n";
        return exit_usage;
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {  // --help, --version
            return app.exit(e, ctx.out, ctx.err);
        }
        ctx.err << "hwtotp: error: " << parse_error_text(e) << usage_hint(app) << '\n';
        return exit_usage;
    } catch (const std::exception& e) {
        // Commands report their own errors; anything reaching here is unexpected.
        return report_error(
            ctx, Error{ErrorCode::internal, std::string("unexpected failure: ") + e.what()});
    }
    return ctx.exit_code;
}

}  // namespace hwtotp::cli
