// hwtotp registry copy --from SRC --to DST [--merge]: a whole registry (tokens, owners, verifier
// state, history, seeds still sealed) from one backend to another, e.g. an SQLite file into a
// PostgreSQL database shared by many hosts, in one transaction on the target.
#include <sys/stat.h>

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

std::string tokens_text(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " token" : " tokens");
}

// A target that would get a key of its own can never hold the source's sealed seeds: refused
// before anything (a registry, a key file) is created for it.
Result<void> require_shared_key(const CopyOptions& o) {
    HWTOTP_ASSIGN_OR_RETURN(const auto from, store::resolve_registry_paths(o.from));
    HWTOTP_ASSIGN_OR_RETURN(const auto to, store::resolve_registry_paths(o.to));
    struct stat st {};
    if (from.key == to.key || ::lstat(to.key.c_str(), &st) == 0)
        return {};
    return fail(ErrorCode::invalid_input,
                "--to " + to.db + " would get a new key file " + to.key +
                    ", but seeds are copied sealed under the key of --from (" + from.key +
                    "): point HWTOTP_KEY_FILE at that key file and run again (nothing was "
                    "copied)");
}

Result<int> run_copy(const CopyOptions& o, Context& ctx) {
    HWTOTP_TRY(require_shared_key(o));
    HWTOTP_ASSIGN_OR_RETURN(auto source, open_registry_at(o.from, RegistryAccess::read));
    HWTOTP_ASSIGN_OR_RETURN(auto target, open_registry_at(o.to, RegistryAccess::create));
    if (!o.merge) {
        // The library refuses this too; here the message can name the flag.
        HWTOTP_ASSIGN_OR_RETURN(const auto present, target.list());
        if (!present.empty()) {
            return fail(ErrorCode::invalid_input,
                        "--to " + target.paths().db + " already holds " +
                            tokens_text(present.size()) +
                            ": nothing was copied (pass --merge to add the source's "
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
        ctx.out << "copied " << tokens_text(copied.added + copied.replaced) << " from "
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
