// hwtotp audit: is each AWS root account protected by hardware MFA? (Conformity IAM-042,
// CIS 1.6, Security Hub IAM.6), from credential reports and MFA device listings.
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>

#include "commands.h"
#include "hwtotp/aws/audit.h"

namespace hwtotp::cli {
namespace {

struct AuditOptions {
    std::vector<std::string> reports;
    std::vector<std::string> virtual_listings;
    std::vector<std::string> device_listings;
    bool strict = false;
};

// Far above any real report (a few hundred bytes per IAM user); refuses /dev/zero and the like.
constexpr std::uintmax_t max_input_bytes = std::uintmax_t{64} * 1024 * 1024;

Result<std::string> read_input(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return fail(ErrorCode::io, path + ": cannot read: it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        return fail(err == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                    path + ": cannot read: " + std::strerror(err));
    }
    std::string text;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_input_bytes) {
            return fail(ErrorCode::invalid_input,
                        path + ": larger than 64 MiB: not a credential report or MFA listing");
        }
    }
    if (in.bad())
        return fail(ErrorCode::io, path + ": cannot read: read error");
    return text;
}

Result<int> run_audit_command(const AuditOptions& o, Context& ctx) {
    aws::AuditInput input;
    for (const auto& path : o.reports) {
        auto text = read_input(path);
        if (!text)
            return tl::unexpected(text.error());
        auto report = aws::parse_credential_report(*text, path);
        if (!report)
            return tl::unexpected(report.error());
        input.reports.push_back(std::move(*report));
    }
    auto read_pages = [](const std::vector<std::string>& paths,
                         std::vector<aws::MfaListingPage>& out) -> Result<bool> {
        for (const auto& path : paths) {
            auto text = read_input(path);
            if (!text)
                return tl::unexpected(text.error());
            auto page = aws::parse_mfa_listing(*text, path);
            if (!page)
                return tl::unexpected(page.error());
            out.push_back(std::move(*page));
        }
        return true;
    };
    auto ok = read_pages(o.virtual_listings, input.virtual_listings);
    if (!ok)
        return tl::unexpected(ok.error());
    ok = read_pages(o.device_listings, input.device_listings);
    if (!ok)
        return tl::unexpected(ok.error());

    auto result = aws::run_audit(input);
    if (!result)
        return tl::unexpected(result.error());
    if (ctx.json)
        ctx.out << aws::render_audit_json(*result, o.strict);
    else
        ctx.out << aws::render_audit_text(*result);
    return aws::audit_exit_code(*result, o.strict);
}

}  // namespace

void add_audit_command(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<AuditOptions>();
    auto* cmd = app.add_subcommand(
        "audit", "Is each AWS root account protected by hardware MFA? (IAM-042, CIS 1.6, IAM.6)");
    cmd->add_option("--credential-report", opts->reports,
                    "Output of `aws iam get-credential-report` (JSON) or the decoded CSV; one "
                    "file per account")
        ->required()
        ->type_name("FILE");
    cmd->add_option("--virtual-mfa", opts->virtual_listings,
                    "Output of `aws iam list-virtual-mfa-devices` (each page a file, in order)")
        ->type_name("FILE");
    cmd->add_option("--mfa-devices", opts->device_listings,
                    "Output of `aws iam list-mfa-devices` (extra evidence; each page a file)")
        ->type_name("FILE");
    cmd->add_flag("--strict", opts->strict,
                  "Exit 1 also when a neighbouring check fails (CIS-1.4 root access keys, "
                  "CIS-1.10 console users without MFA)");
    cmd->footer(
        "Verdicts: PASS (exit 0), NOT_APPLICABLE (root has no credentials; exit 0), FAIL "
        "(exit 1), INCOMPLETE (root has MFA but the virtual-device listing is missing or "
        "truncated; exit 1). Bad input: exit 2.\n"
        "Example:\n"
        "  aws iam generate-credential-report\n"
        "  aws iam get-credential-report > report.json\n"
        "  aws iam list-virtual-mfa-devices > virtual.json\n"
        "  hwtotp audit --credential-report report.json --virtual-mfa virtual.json");
    cmd->callback([opts, &ctx] { finish(ctx, run_audit_command(*opts, ctx)); });
}

}  // namespace hwtotp::cli
