#pragma once
// One add_*_command per subcommand, each defined in its own cmd_<name>.cpp.
//
// Pattern (see cmd_code.cpp): an options struct owned by a shared_ptr captured in the callback,
// `add_<name>_command` declares the options on a new subcommand, and the callback calls
// `finish(ctx, run_<name>(*opts, ctx))`, where run_<name> returns Result<int>.

#include <CLI/CLI.hpp>

#include "context.h"

namespace hwtotp::cli {

void add_code_command(CLI::App& app, Context& ctx);
void add_verify_command(CLI::App& app, Context& ctx);
void add_check_command(CLI::App& app, Context& ctx);
void add_enroll_command(CLI::App& app, Context& ctx);
void add_resync_command(CLI::App& app, Context& ctx);
void add_drift_command(CLI::App& app, Context& ctx);
void add_simulate_command(CLI::App& app, Context& ctx);
void add_device_command(CLI::App& app, Context& ctx);
void add_import_command(CLI::App& app, Context& ctx);
void add_export_command(CLI::App& app, Context& ctx);
void add_tokens_command(CLI::App& app, Context& ctx);
// tokens assign / unassign, added to the tokens subcommand.
void add_tokens_owner_commands(CLI::App& tokens, Context& ctx);
void add_audit_command(CLI::App& app, Context& ctx);
void add_registry_command(CLI::App& app, Context& ctx);

}  // namespace hwtotp::cli
