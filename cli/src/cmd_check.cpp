// hwtotp check: the enrollment pre-check (DESIGN "check, exactly"), offline.
#include <memory>
#include <ostream>

#include "commands.h"
#include "enrollment_report.h"
#include "hwtotp/aws/serial.h"
#include "key_options.h"
#include "number_option.h"
#include "time_option.h"

namespace hwtotp::cli {
namespace {

struct CheckOptions {
    KeyOptions key;
    std::string serial;
    std::string code1;
    std::string code2;
    std::string time;
    std::string user;
    bool root = false;
    std::string search_window;
};

constexpr std::uint64_t max_check_window = 1'000'000;

constexpr const char* aws_is_time_based = " (AWS hardware tokens are time-based)";

Result<int> run_check(const CheckOptions& o, Context& ctx) {
    HWTOTP_TRY(refuse_hotp_options(o.key, "check", aws_is_time_based));
    std::string serial = o.serial;
    if (serial.empty() && !o.key.token.empty())
        serial = o.key.token;  // the registry's serial is the device's serial
    if (serial.empty()) {
        return fail(ErrorCode::invalid_input,
                    "--serial is required (the serial printed on the token, e.g. GAKT12345678)");
    }
    HWTOTP_ASSIGN_OR_RETURN(auto code1, aws::parse_aws_code(o.code1, "--code1"));
    HWTOTP_ASSIGN_OR_RETURN(auto code2, aws::parse_aws_code(o.code2, "--code2"));
    HWTOTP_ASSIGN_OR_RETURN(auto submitter, parse_submitter(o.user, o.root));
    HWTOTP_ASSIGN_OR_RETURN(auto time, resolve_time(o.time, ctx));
    std::uint64_t radius = 2880;
    if (!o.search_window.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(
            auto parsed, parse_unsigned(o.search_window, "--search-window", max_check_window));
        radius = parsed;
    }

    CheckRequest request{serial, code1, code2, nullptr, time, submitter, radius};
    std::optional<ResolvedKey> key;
    if (has_key_source(o.key)) {
        HWTOTP_ASSIGN_OR_RETURN(auto resolved, resolve_key(o.key, ctx));
        HWTOTP_TRY(require_totp(resolved, "check", aws_is_time_based));
        key = std::move(resolved);
        request.key = &*key;
    }
    return report_check(request, ctx);
}

}  // namespace

void add_check_command(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<CheckOptions>();
    auto* cmd = app.add_subcommand(
        "check", "Before enrolling: check a token's serial and two codes, and the time left");
    cmd->add_option("--serial", opts->serial, "The token's serial number (back of the token)")
        ->type_name("SERIAL");
    cmd->add_option("--code1", opts->code1, "The first code (6 digits)")
        ->type_name("CODE")
        ->required();
    cmd->add_option("--code2", opts->code2, "The next code (6 digits)")
        ->type_name("CODE")
        ->required();
    add_key_options(*cmd, opts->key);
    add_time_option(*cmd, opts->time, "When the codes are submitted (default now)");
    cmd->add_option("--user", opts->user, "Print the aws iam enable-mfa-device command for NAME")
        ->type_name("NAME");
    cmd->add_flag("--root", opts->root, "Print the console steps for the root user");
    cmd->add_option("--search-window", opts->search_window,
                    "Steps searched either side of now (default 2880 = ±24 h)")
        ->type_name("N");
    cmd->footer(
        "Without a seed, only the formats are checked (exit 0: FORMAT OK, not verified).\n"
        "Exit codes: 0 READY (or formats OK without a seed), 1 NOT READY, 2 bad input.\n"
        "Example:\n  hwtotp check --serial GAKT12345678 --code1 123456 --code2 654321 "
        "--secret-file seed.txt --user alice");
    cmd->callback([opts, &ctx] { finish(ctx, run_check(*opts, ctx)); });
}

}  // namespace hwtotp::cli
