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
#include "hwtotp/totp/terminal_text.h"

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

// The option that takes a listing of this kind.
std::string option_for(aws::ListingKind kind) {
    return kind == aws::ListingKind::virtual_devices ? "--virtual-mfa" : "--mfa-devices";
}

Result<aws::CredentialReport> read_report(const std::string& path) {
    HWTOTP_ASSIGN_OR_RETURN(const std::string text, read_input(path));
    auto report = aws::parse_credential_report(text, path);
    if (!report) {
        // A listing given where a report belongs: say which option takes it.
        if (const auto page = aws::parse_mfa_listing(text, path)) {
            return fail(ErrorCode::invalid_input,
                        path + ": this is " + std::string(aws::listing_command(page->kind)) +
                            " output, not a credential report: give it with " +
                            option_for(page->kind));
        }
    }
    return report;
}

// The pages in `paths`, given with the option that takes listings of `kind`. run_audit refuses
// a page of the wrong kind as well, in AWS's terms; only here is it known which option the
// file came with, so the message can name the option that takes it.
Result<void> read_pages(const std::vector<std::string>& paths, aws::ListingKind kind,
                        std::vector<aws::MfaListingPage>& out) {
    for (const auto& path : paths) {
        HWTOTP_ASSIGN_OR_RETURN(const std::string text, read_input(path));
        HWTOTP_ASSIGN_OR_RETURN(auto page, aws::parse_mfa_listing(text, path));
        if (page.kind != kind) {
            return fail(ErrorCode::invalid_input,
                        path + ": this is " + std::string(aws::listing_command(page.kind)) +
                            " output: give it with " + option_for(page.kind) + ", not " +
                            option_for(kind));
        }
        out.push_back(std::move(page));
    }
    return {};
}

// What hwtotp itself offers for a finding, added to the library's remediation.
void add_hwtotp_follow_ups(aws::AuditResult& result) {
    for (auto& account : result.accounts) {
        for (auto& f : account.findings) {
            switch (f.follow_up) {
                case aws::FollowUp::enroll_root_hardware_token:
                    f.remediation +=
                        " `hwtotp enroll` times the two consecutive codes and checks "
                        "them before you submit.";
                    break;
                case aws::FollowUp::enable_user_mfa:
                    f.remediation += " For a hardware token, `hwtotp check --user " +
                                     shell_quote(f.user) +
                                     " ...` prints the enable-mfa-device command.";
                    break;
                case aws::FollowUp::give_virtual_listing:
                    f.remediation += " Give it with --virtual-mfa virtual.json.";
                    break;
                case aws::FollowUp::none:
                    break;
            }
        }
    }
}

Result<int> run_audit_command(const AuditOptions& o, Context& ctx) {
    aws::AuditInput input;
    for (const auto& path : o.reports) {
        HWTOTP_ASSIGN_OR_RETURN(auto report, read_report(path));
        input.reports.push_back(std::move(report));
    }
    HWTOTP_TRY(
        read_pages(o.virtual_listings, aws::ListingKind::virtual_devices, input.virtual_listings));
    HWTOTP_TRY(
        read_pages(o.device_listings, aws::ListingKind::user_devices, input.device_listings));

    HWTOTP_ASSIGN_OR_RETURN(auto result, aws::run_audit(input));
    add_hwtotp_follow_ups(result);
    if (ctx.json)
        aws::write_audit_json(result, o.strict, ctx.out);
    else
        aws::write_audit_text(result, ctx.out);
    return aws::audit_exit_code(result, o.strict) == 0 ? exit_ok : exit_negative;
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
