// hwtotp import: seeds from a PSKC, CSV, otpauth URI or vendor file into the registry, all or
// nothing.
#include <functional>
#include <istream>
#include <memory>
#include <ostream>

#include "commands.h"
#include "hwtotp/store/import.h"
#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/terminal_text.h"
#include "json_output.h"
#include "pskc_secret_file.h"
#include "registry_access.h"

namespace hwtotp::cli {
namespace {

struct ImportOptions {
    std::string file;
    std::string format;
    std::string key_hex;
    std::string key_file;
    std::string password_file;
    bool replace = false;
    bool skip_unsupported = false;
};

// The PSKC key or password, from whichever one option gave it.
Result<store::PskcKeys> read_pskc_keys(const ImportOptions& o, Context& ctx) {
    store::PskcKeys keys;
    const int keys_given =
        int{!o.key_hex.empty()} + int{!o.key_file.empty()} + int{!o.password_file.empty()};
    if (keys_given > 1) {
        return fail(ErrorCode::invalid_input,
                    "give one of --key-file, --key or --password-file, not several");
    }
    if (!o.key_hex.empty()) {
        warn(ctx,
             "a key on the command line is visible to other users (ps, shell history); "
             "prefer --key-file - and pipe it");
        auto key = hex_decode_secret(o.key_hex);
        if (!key)
            return fail(ErrorCode::invalid_input, "--key: " + key.error().message);
        keys.key = std::move(*key);
    }
    if (!o.key_file.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(keys.key, read_pskc_key_file("--key-file", o.key_file, ctx));
    }
    if (!o.password_file.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(keys.password,
                                read_pskc_password_file("--password-file", o.password_file, ctx));
    }
    return keys;
}

// The library ends a refusal of an unsupported record with a neutral hint; say the option.
std::string with_skip_unsupported_hint(std::string message) {
    const std::string_view hint = store::skip_unsupported_hint;
    if (const auto at = message.find(hint); at != std::string::npos)
        message.replace(at, hint.size(), "pass --skip-unsupported to import the others");
    return message;
}

// A one-line progress bar redrawn in place; only on a terminal, only for large files.
class ProgressBar {
  public:
    explicit ProgressBar(Context& ctx) : ctx_(ctx) {}
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;
    ~ProgressBar() { finish(); }

    void update(std::size_t done, std::size_t total) {
        if (!ctx_.stderr_is_terminal || total == 0 || total < 1000)
            return;
        const auto percent = static_cast<int>(done * 100 / total);
        if (percent == last_percent_)
            return;
        last_percent_ = percent;
        constexpr int width = 30;
        const int filled = percent * width / 100;
        ctx_.err << "\rimporting [" << std::string(static_cast<std::size_t>(filled), '#')
                 << std::string(static_cast<std::size_t>(width - filled), ' ') << "] " << percent
                 << "%" << std::flush;
        drawn_ = true;
    }

    void finish() {
        if (drawn_)
            ctx_.err << "\r" << std::string(50, ' ') << "\r" << std::flush;
        drawn_ = false;
    }

  private:
    Context& ctx_;
    int last_percent_ = -1;
    bool drawn_ = false;
};

Result<int> run_import(const ImportOptions& o, Context& ctx) {
    store::ImportRequest request;
    request.path = o.file;
    request.replace = o.replace;
    request.skip_unsupported = o.skip_unsupported;
    if (!o.format.empty()) {
        auto format = store::parse_import_format(o.format);
        if (!format)
            return tl::unexpected(with_context("--format: ", format.error()));
        request.format = *format;
    }
    HWTOTP_ASSIGN_OR_RETURN(request.keys, read_pskc_keys(o, ctx));

    HWTOTP_ASSIGN_OR_RETURN(auto registry, open_registry(ctx, RegistryAccess::create));
    ProgressBar bar(ctx);
    store::ImportCallbacks callbacks;
    callbacks.warn = [&](const std::string& message) {
        bar.finish();
        warn(ctx, message);
    };
    callbacks.progress = [&](std::size_t done, std::size_t total) { bar.update(done, total); };
    callbacks.unsupported = [&](const std::string& record) -> Result<void> {
        bar.finish();
        warn(ctx, "skipped " + record);
        return {};
    };
    auto summary = store::import_file(registry, request, ctx.now(), callbacks);
    bar.finish();
    if (!summary)
        return fail(summary.error().code, o.file + ": " +
                                              with_skip_unsupported_hint(summary.error().message) +
                                              " (nothing was imported)");
    const std::size_t total = summary->added + summary->replaced;
    if (ctx.json) {
        print_json(ctx, {{"file", o.file},
                         {"format", store::import_format_name(summary->format)},
                         {"imported", total},
                         {"added", summary->added},
                         {"replaced", summary->replaced},
                         {"skipped", summary->skipped},
                         {"registry", registry.paths().db}});
    } else {
        ctx.out << "imported " << total << " token" << (total == 1 ? "" : "s") << " from "
                << escape_for_terminal(o.file) << " (" << store::import_format_name(summary->format)
                << "): " << summary->added << " added, " << summary->replaced << " replaced";
        if (summary->skipped > 0)
            ctx.out << ", " << summary->skipped << " skipped as unsupported";
        ctx.out << "\n";
    }
    return exit_ok;
}

}  // namespace

void add_import_command(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ImportOptions>();
    auto* cmd = app.add_subcommand(
        "import", "Import token seeds (PSKC, CSV, otpauth URIs, vendor files) into the registry");
    cmd->add_option("FILE", opts->file, "The seed file")->required();
    cmd->add_option("--format", opts->format,
                    "pskc, csv, uri, safenet-xml, etoken-dat, entra-csv, privacyidea-csv or "
                    "pam-oath (default: from the content, else the extension)")
        ->type_name("FORMAT");
    cmd->add_option("--key-file", opts->key_file,
                    "File holding the PSKC pre-shared key in hex; - reads stdin")
        ->type_name("PATH");
    cmd->add_option("--key", opts->key_hex,
                    "PSKC pre-shared key in hex (visible in ps: prefer --key-file)")
        ->type_name("HEX");
    cmd->add_option("--password-file", opts->password_file,
                    "File holding the PSKC password (PBKDF2); one trailing newline is ignored; - "
                    "reads stdin")
        ->type_name("PATH");
    cmd->add_flag("--replace", opts->replace,
                  "Overwrite tokens whose serial is already registered (their state is reset)");
    cmd->add_flag("--skip-unsupported", opts->skip_unsupported,
                  "Import the HOTP/TOTP keys and skip (naming each) records hwtotp cannot use: "
                  "PIN or OCRA keys, TAN lists, check-digit codes");
    cmd->footer(
        "All or nothing: a bad record leaves the registry unchanged.\n"
        "CSV lines: serial,seed[,type,digits,period,algorithm] (seed hex or base32).\n"
        "URI files: one otpauth:// URI a line; serial from serial=..., else the label.\n"
        "Vendor files (SafeNet XML and .dat, Entra and privacyIDEA CSV, pam_oath usersfile):\n"
        "  see the README; owners (UPN, user) become the tokens' owners.\n"
        "Example:\n  hwtotp import tokens.pskcxml --key-file transport.key");
    cmd->callback([opts, &ctx] { finish(ctx, run_import(*opts, ctx)); });
}

}  // namespace hwtotp::cli
