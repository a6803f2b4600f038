// hwtotp export: seeds from the registry into a file a verifier or vendor tool reads (PSKC,
// pam_oath usersfile, Entra or privacyIDEA CSV, otpauth URIs and their QR codes).
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "commands.h"
#include "hwtotp/store/export.h"
#include "hwtotp/store/import.h"
#include "hwtotp/totp/terminal_text.h"
#include "json_output.h"
#include "number_option.h"
#include "pskc_secret_file.h"
#include "registry_access.h"

namespace hwtotp::cli {
namespace {

struct ExportOptions {
    std::string format;
    std::string output;
    std::vector<std::string> serials;
    bool all = false;
    std::string key_file;
    std::string password_file;
    bool plain = false;
    std::string iterations;
    bool force = false;
    std::string qr_dir;
};

// Which options go with which format; the library checks the rest.
Result<void> check_combination(const ExportOptions& o, store::ExportFormat format) {
    if (o.serials.empty() == !o.all)
        return fail(ErrorCode::invalid_input,
                    "name the tokens to export: --serial S (repeatable) or --all, one of them");
    const int protections = int{!o.key_file.empty()} + int{!o.password_file.empty()} + int{o.plain};
    if (format != store::ExportFormat::pskc) {
        if (protections > 0 || !o.iterations.empty())
            return fail(ErrorCode::invalid_input,
                        "--key-file, --password-file, --plain and --iterations apply to "
                        "--format pskc only");
    } else if (protections != 1) {
        return fail(ErrorCode::invalid_input,
                    protections == 0
                        ? "PSKC seeds must be protected: give --key-file PATH or --password-file "
                          "PATH (or --plain to write them unencrypted)"
                        : "give one of --key-file, --password-file or --plain, not several");
    }
    if (!o.iterations.empty() && o.password_file.empty())
        return fail(ErrorCode::invalid_input, "--iterations applies to --password-file only");
    if (!o.qr_dir.empty() && format != store::ExportFormat::uri)
        return fail(ErrorCode::invalid_input, "--qr applies to --format uri only");
    return {};
}

Result<store::ExportRequest> make_request(const ExportOptions& o, Context& ctx) {
    store::ExportRequest request;
    auto format = store::parse_export_format(o.format);
    if (!format)
        return tl::unexpected(with_context("--format: ", format.error()));
    request.format = *format;
    HWTOTP_TRY(check_combination(o, request.format));
    request.output = o.output;
    request.replace = o.force;
    request.serials = o.serials;
    request.qr_dir = o.qr_dir;
    request.pskc.plain = o.plain;
    if (!o.key_file.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(request.pskc.key,
                                read_pskc_key_file("--key-file", o.key_file, ctx));
    }
    if (!o.password_file.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(request.pskc.password,
                                read_pskc_password_file("--password-file", o.password_file, ctx));
    }
    if (!o.iterations.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(
            request.pskc.pbkdf2_iterations,
            parse_unsigned(o.iterations, "--iterations", 1,
                           static_cast<std::uint64_t>(store::max_pbkdf2_iterations)));
    }
    return request;
}

// The library ends a refusal to overwrite with a neutral hint; say the option.
std::string with_force_hint(std::string message) {
    const std::string_view hint = store::replace_output_hint;
    if (const auto at = message.find(hint); at != std::string::npos)
        message.replace(at, hint.size(), "pass --force to replace it");
    return message;
}

void render(const store::ExportSummary& summary, const ExportOptions& o, Context& ctx) {
    const auto format = std::string(store::export_format_name(summary.format));
    if (ctx.json) {
        print_json(ctx, {{"file", o.output},
                         {"format", format},
                         {"written", summary.written},
                         {"skipped", summary.skipped},
                         {"qr_codes", summary.qr_codes}});
        return;
    }
    for (const auto& skipped : summary.skipped)
        warn(ctx, "skipped " + skipped);
    ctx.out << "wrote " << summary.written << " token" << (summary.written == 1 ? "" : "s")
            << " to " << escape_for_terminal(o.output) << " (" << format << ")";
    if (!o.qr_dir.empty())
        ctx.out << " and " << summary.qr_codes << " QR code" << (summary.qr_codes == 1 ? "" : "s")
                << " to " << escape_for_terminal(o.qr_dir);
    if (!summary.skipped.empty())
        ctx.out << "; " << summary.skipped.size() << " skipped";
    ctx.out << "\n";
}

Result<int> run_export(const ExportOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(const auto request, make_request(o, ctx));
    HWTOTP_ASSIGN_OR_RETURN(auto registry, open_registry(ctx, RegistryAccess::read));
    store::ExportCallbacks callbacks;
    callbacks.warn = [&](const std::string& message) { warn(ctx, message); };
    auto summary = store::export_tokens(registry, request, callbacks);
    if (!summary) {
        std::string message = with_force_hint(summary.error().message);
        if (message.starts_with("no token with serial"))
            message += " (see: hwtotp tokens list)";
        return fail(summary.error().code, message);
    }
    render(*summary, o, ctx);
    return exit_ok;
}

}  // namespace

void add_export_command(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ExportOptions>();
    auto* cmd = app.add_subcommand(
        "export", "Export token seeds to PSKC, pam_oath, Entra or privacyIDEA CSV, otpauth URIs");
    cmd->add_option("--format", opts->format, "pskc, pam-oath, entra-csv, privacyidea-csv or uri")
        ->type_name("FORMAT")
        ->required();
    cmd->add_option("--output", opts->output,
                    "The file to write (new, 0600; never a terminal or standard output)")
        ->type_name("FILE")
        ->required();
    cmd->add_option("--serial", opts->serials, "A token to export (repeatable)")
        ->type_name("SERIAL");
    cmd->add_flag("--all", opts->all, "Export every token the format can carry");
    cmd->add_option("--key-file", opts->key_file,
                    "PSKC: encrypt under this pre-shared AES key (hex, 16/24/32 bytes); - reads "
                    "stdin")
        ->type_name("PATH");
    cmd->add_option("--password-file", opts->password_file,
                    "PSKC: encrypt under a key derived from this password (PBKDF2-HMAC-SHA256); "
                    "one trailing newline is ignored; - reads stdin")
        ->type_name("PATH");
    cmd->add_option("--iterations", opts->iterations,
                    "PSKC with --password-file: PBKDF2 iterations (default 100000, as "
                    "python-pskc)")
        ->type_name("N");
    cmd->add_flag("--plain", opts->plain, "PSKC: write the seeds unencrypted");
    cmd->add_flag("--force", opts->force, "Replace an existing output file");
    cmd->add_option("--qr", opts->qr_dir,
                    "uri: also one QR code PNG per token into this directory (yours, 0700)")
        ->type_name("DIR");
    cmd->footer(
        "The file is written whole or not at all. Tokens a format cannot carry (pam_oath and\n"
        "Entra: HMAC-SHA1 only; pam_oath needs an owner) are refused by serial, or skipped and\n"
        "named with --all.\n"
        "Examples:\n"
        "  hwtotp export --format pskc --password-file pw.txt --all --output tokens.pskcxml\n"
        "  hwtotp export --format pam-oath --serial GAKT00000001 --output users.oath");
    cmd->callback([opts, &ctx] { finish(ctx, run_export(*opts, ctx)); });
}

}  // namespace hwtotp::cli
