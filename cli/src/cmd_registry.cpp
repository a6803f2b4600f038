// hwtotp registry copy --from SRC --to DST [--merge]: a whole registry (tokens, owners, verifier
// state, history, seeds still sealed) from one backend to another, e.g. an SQLite file into a
// PostgreSQL database shared by many hosts, in one transaction on the target.
#include <memory>
#include <ostream>

#include "commands.h"
#include "hwtotp/totp/terminal_text.h"
#include "json_output.h"
#include "registry_access.h"

namespace hwtotp::cli {
namespace {

struct CopyOptions {
    std::string from;
    std::string to;
    bool merge = false;
};

Result<int> run_copy(const CopyOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto source, open_registry_at(o.from, RegistryAccess::read));
    HWTOTP_ASSIGN_OR_RETURN(auto target, open_registry_at(o.to, RegistryAccess::create));
    if (!o.merge) {
        // The library refuses this too; here the message can name the flag.
        HWTOTP_ASSIGN_OR_RETURN(const auto present, target.list());
        if (!present.empty()) {
            return fail(ErrorCode::invalid_input,
                        "--to " + target.paths().db + " already holds " +
                            std::to_string(present.size()) +
                            " tokens: nothing was copied (pass --merge to add the source's "
                            "tokens to them, a serial in both taking the source's record)");
        }
    }
    HWTOTP_ASSIGN_OR_RETURN(const auto copied, target.copy_from(source, o.merge));
    if (ctx.json) {
        print_json(ctx, {{"from", source.paths().db},
                         {"to", target.paths().db},
                         {"added", copied.added},
                         {"replaced", copied.replaced}});
    } else {
        ctx.out << "copied " << copied.added + copied.replaced << " tokens from "
                << escape_for_terminal(source.paths().db) << " to "
                << escape_for_terminal(target.paths().db) << ": " << copied.added << " added, "
                << copied.replaced << " replaced\n";
    }
    return exit_ok;
}

}  // namespace

void add_registry_command(CLI::App& app, Context& ctx) {
    auto* registry = app.add_subcommand("registry", "Work with whole registries");
    registry->require_subcommand(1);
    auto opts = std::make_shared<CopyOptions>();
    auto* copy = registry->add_subcommand(
        "copy", "Copy every token, its state and history to another registry (any backend)");
    copy->add_option("--from", opts->from, "The registry to copy (a file or postgresql:// URI)")
        ->type_name("DB")
        ->required();
    copy->add_option("--to", opts->to, "The registry to copy into (created when absent)")
        ->type_name("DB")
        ->required();
    copy->add_flag("--merge", opts->merge, "Copy into a registry that already holds tokens");
    copy->footer(
        "Seeds are copied sealed: both registries use the same key file ($HWTOTP_KEY_FILE).\n"
        "Example:\n  HWTOTP_KEY_FILE=/etc/hwtotp/tokens.key hwtotp registry copy \\\n"
        "    --from /var/lib/hwtotp/tokens.db --to 'postgresql:///hwtotp?host=/run/postgresql'");
    copy->callback([opts, &ctx] { finish(ctx, run_copy(*opts, ctx)); });
}

}  // namespace hwtotp::cli
