#include "app.h"

#include <algorithm>
#include <exception>
#include <ostream>

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
    add_tokens_command(app, ctx);
    add_audit_command(app, ctx);
}

std::string usage_hint(const CLI::App& app) {
    for (const auto* sub : app.get_subcommands()) {
        return " (see: hwtotp " + sub->get_name() + " --help)";
    }
    return " (see: hwtotp --help)";
}

}  // namespace

int run(int argc, const char* const* argv, Context& ctx) {
    CLI::App app{"hwtotp: check, simulate, resync and audit hardware TOTP tokens", "hwtotp"};
    app.set_version_flag("--version", std::string("hwtotp ") + version_string);
    app.require_subcommand(1);
    app.fallthrough(true);  // global options may follow the subcommand name
    app.add_flag("--json", ctx.json, "Print one JSON object on stdout");
    auto* db_option = app.add_option("--db", ctx.db_path,
                                     "Token registry file (default $HWTOTP_DB, then "
                                     "$XDG_DATA_HOME/hwtotp/tokens.db)")
                          ->type_name("PATH");
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
        std::string what = e.what();
        if (what.empty())
            what = "invalid command line";
        ctx.err << "hwtotp: error: " << what << usage_hint(app) << '\n';
        return exit_usage;
    } catch (const std::exception& e) {
        // Commands report their own errors; anything reaching here is unexpected.
        return report_error(
            ctx, Error{ErrorCode::internal, std::string("unexpected failure: ") + e.what()});
    }
    return ctx.exit_code;
}

}  // namespace hwtotp::cli
