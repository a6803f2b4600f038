// hwtotp enroll: guided enrollment. Times the step boundary, asks for (or reads) the two codes,
// runs the check, and says what to submit and how long is left.
#include <algorithm>
#include <istream>
#include <memory>
#include <ostream>

#include "commands.h"
#include "device_options.h"
#include "enrollment_report.h"
#include "hwtotp/aws/serial.h"
#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/terminal_text.h"
#include "key_options.h"
#include "number_option.h"
#include "progress_bar.h"
#include "time_option.h"

namespace hwtotp::cli {
namespace {

struct EnrollOptions {
    KeyOptions key;
    std::string serial;
    std::string user;
    bool root = false;
    bool no_wait = false;
    std::string time;
    std::string device;  // a HID key to read the codes from instead of asking
    std::string slot;    // with --device; empty: 2
};

// A mistyped code on a terminal is asked again, this many times in all.
constexpr int max_attempts = 3;

// One line from stdin. On a terminal a prompt on stderr asks for it (stdout stays for the report
// or the JSON); piped answers come without prompts, as bash's read -p does, so that stderr holds
// only what went wrong.
Result<std::string> ask(Context& ctx, const std::string& prompt, const std::string& what) {
    if (ctx.stdin_is_terminal)
        ctx.err << prompt << std::flush;
    std::string line;
    if (!std::getline(ctx.in, line))
        return fail(ErrorCode::invalid_input,
                    "no " + what +
                        " given (input ended; pipe the answers one a line, or run enroll on a "
                        "terminal)");
    const auto first = line.find_first_not_of(" \t\r");
    const auto last = line.find_last_not_of(" \t\r");
    return first == std::string::npos ? std::string() : line.substr(first, last - first + 1);
}

Result<Code> ask_code(Context& ctx, const std::string& prompt, const std::string& what) {
    for (int attempt = 1;; ++attempt) {
        HWTOTP_ASSIGN_OR_RETURN(auto text, ask(ctx, prompt, what));
        std::string digits;
        for (char c : text) {
            if (c != ' ')
                digits += c;  // tokens and people group digits: "123 456"
        }
        auto code = aws::parse_aws_code(digits, what);
        if (code || !ctx.stdin_is_terminal || attempt == max_attempts)
            return code;
        ctx.err << "  " << code.error().message << "; try again\n";
    }
}

// Waits until Unix time `target` through the injected clock and sleeper: a bar redrawn in
// place on a terminal, one line otherwise.
void wait_until(Context& ctx, std::int64_t target, std::int64_t period, const std::string& label) {
    std::int64_t left = target - ctx.now();
    if (left <= 0)
        return;
    if (!ctx.stderr_is_terminal)
        ctx.err << label << ": " << left << " s\n";
    while ((left = target - ctx.now()) > 0) {
        if (ctx.stderr_is_terminal) {
            draw_bar(ctx,
                     1.0 - static_cast<double>(left) /
                               static_cast<double>(std::max<std::int64_t>(period, 1)),
                     label + ": " + std::to_string(left) + " s");
        }
        ctx.sleep_ms(ctx.stderr_is_terminal ? 200 : 1000);
    }
    if (ctx.stderr_is_terminal)
        clear_bar(ctx);
}

// The start of the step after the one containing `now`.
Result<std::int64_t> next_boundary(const Params& params, std::int64_t now) {
    HWTOTP_ASSIGN_OR_RETURN(auto step, step_at(params, now));
    return step_start(params, step_add(step, 1));
}

// Reads the pair from a HID key: the key computes a code for any step it is given, so nothing
// waits. The pair is steps n-1 and n with n the current step (DESIGN: a second code from the
// future would register the token as fast).
Result<int> enroll_from_device(const EnrollOptions& o, const std::optional<ResolvedKey>& key,
                               std::optional<std::int64_t> fixed_time, const Submitter& submitter,
                               Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(
        auto slot, parse_integer(o.slot.empty() ? "2" : o.slot, "--slot", device::hid::first_slot,
                                 device::hid::last_slot));
    // A YubiKey slot has no parameters of its own: ykman's TOTP is SHA-1, 6 digits, 30 s.
    const Params params = key ? key->params : Params::standard();
    HWTOTP_ASSIGN_OR_RETURN(auto session, open_session(o.device, ctx));
    auto& host = *session->host;
    std::string serial = o.serial;
    if (serial.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(auto device_serial, host.read_serial());
        serial = std::to_string(device_serial);
    }
    const std::int64_t time = fixed_time ? *fixed_time : ctx.now();
    auto step = step_at(params, time);
    if (!step)
        return fail(ErrorCode::invalid_input, "--time: " + step.error().message);
    if (*step == 0)
        return fail(ErrorCode::invalid_input, "--time: the first step has no previous code");
    const int slot_number = static_cast<int>(slot);
    HWTOTP_ASSIGN_OR_RETURN(auto code1, host.totp_step(slot_number, *step - 1, params.digits()));
    HWTOTP_ASSIGN_OR_RETURN(auto code2, host.totp_step(slot_number, *step, params.digits()));
    ctx.err << "Read from the key (slot " << slot_number << "): serial " << serial << ", code 1 "
            << code1.digits() << ", code 2 " << code2.digits() << '\n';
    CheckRequest request{serial, code1, code2, key ? &*key : nullptr, time, submitter, 2880};
    return report_check(request, ctx);
}

// What enroll knows before it asks for anything: refused here, so that no code the user reads
// off the token is wasted on an error.
struct EnrollSetup {
    Submitter submitter;
    std::optional<ResolvedKey> key;  // none: format checks only
    std::optional<std::int64_t> fixed_time;
};

Result<EnrollSetup> parse_enroll_setup(const EnrollOptions& o, Context& ctx) {
    HWTOTP_TRY(refuse_hotp_options(o.key, "enroll"));
    EnrollSetup setup;
    HWTOTP_ASSIGN_OR_RETURN(setup.submitter, parse_submitter(o.user, o.root));
    if (has_key_source(o.key)) {
        HWTOTP_ASSIGN_OR_RETURN(auto resolved, resolve_key(o.key, ctx));
        HWTOTP_TRY(require_totp(resolved, "enroll"));
        setup.key = std::move(resolved);
    }
    if (!o.time.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(setup.fixed_time, resolve_time(o.time, ctx));
    }
    if (!o.slot.empty() && o.device.empty()) {
        return fail(ErrorCode::invalid_input,
                    "--slot is for --device (a HID key's HMAC slot); without --device the codes "
                    "are typed in");
    }
    // Refuse what the check would refuse before asking for codes that are then wasted.
    if (setup.key && setup.fixed_time) {
        if (auto step = step_at(setup.key->params, *setup.fixed_time); !step)
            return fail(ErrorCode::invalid_input, "--time: " + step.error().message);
    }
    if (setup.key && !o.serial.empty())
        HWTOTP_TRY(key_fits_enrollment(o.serial, *setup.key));
    return setup;
}

// --serial, else the seed's or --token's serial, else asked for; it must be the seed's own.
Result<std::string> enrollment_serial(const EnrollOptions& o, const std::optional<ResolvedKey>& key,
                                      Context& ctx) {
    std::string serial = o.serial;
    if (serial.empty() && key && !key->serial.empty())
        serial = key->serial;
    if (serial.empty() && !o.key.token.empty())
        serial = o.key.token;
    if (serial.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(
            serial, ask(ctx, "Serial number (printed on the back of the token): ", "serial"));
        if (serial.empty()) {
            return fail(ErrorCode::invalid_input,
                        "no serial given (an empty answer): type the serial printed on the back of "
                        "the token, or pass --serial");
        }
    }
    if (key)
        HWTOTP_TRY(key_fits_enrollment(serial, *key, "the serial"));
    if (const auto sc = aws::check_serial(serial); !sc.accepted_by_aws)
        ctx.err << "  note: AWS would reject this serial: "
                << escape_for_terminal(sc.problems.front()) << '\n';
    return serial;
}

// Waits for the next step boundary (when `wait`): a code read then stays current longest.
Result<void> wait_for_boundary(bool wait, const Params& params, const std::string& label,
                               Context& ctx) {
    if (!wait)
        return {};
    HWTOTP_ASSIGN_OR_RETURN(const auto boundary, next_boundary(params, ctx.now()));
    wait_until(ctx, boundary, params.period(), label);
    return {};
}

struct TypedCodes {
    Code code1;
    Code code2;
};

Result<TypedCodes> ask_codes(bool wait, const Params& params, Context& ctx) {
    if (wait) {
        ctx.err << "Codes are best read just after a step boundary: the pair then has the "
                   "longest time to be submitted.\n";
    }
    HWTOTP_TRY(wait_for_boundary(wait, params, "next step in", ctx));
    HWTOTP_ASSIGN_OR_RETURN(
        auto code1,
        ask_code(ctx, "Code 1: press the token's button and type the code: ", "code 1"));
    HWTOTP_TRY(wait_for_boundary(wait, params, "the token shows its next code in", ctx));
    HWTOTP_ASSIGN_OR_RETURN(
        auto code2,
        ask_code(ctx, "Code 2: press the button again (the code must have changed) and type it: ",
                 "code 2"));
    return TypedCodes{std::move(code1), std::move(code2)};
}

Result<int> run_enroll(const EnrollOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(const auto setup, parse_enroll_setup(o, ctx));
    const auto& key = setup.key;
    if (!o.device.empty())
        return enroll_from_device(o, key, setup.fixed_time, setup.submitter, ctx);
    // A fixed time has no clock to wait on; --no-wait leaves the timing to the user.
    const bool wait = !o.no_wait && !setup.fixed_time;
    const Params params = key ? key->params : Params::standard();
    HWTOTP_ASSIGN_OR_RETURN(const auto serial, enrollment_serial(o, key, ctx));
    HWTOTP_ASSIGN_OR_RETURN(const auto codes, ask_codes(wait, params, ctx));
    const std::int64_t time = setup.fixed_time ? *setup.fixed_time : ctx.now();
    CheckRequest request{serial, codes.code1,     codes.code2, key ? &*key : nullptr,
                         time,   setup.submitter, 2880};
    return report_check(request, ctx);
}

}  // namespace

void add_enroll_command(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<EnrollOptions>();
    auto* cmd = app.add_subcommand(
        "enroll", "Guided enrollment: time the step boundary, take two codes, check them");
    cmd->add_option("--serial", opts->serial, "The token's serial (asked for when not given)")
        ->type_name("SERIAL");
    add_key_options(*cmd, opts->key);
    cmd->add_option("--user", opts->user, "Print the aws iam enable-mfa-device command for NAME")
        ->type_name("NAME");
    cmd->add_flag("--root", opts->root, "Print the console steps for the root user");
    cmd->add_flag("--no-wait", opts->no_wait,
                  "Do not wait for step boundaries: ask for both codes at once");
    add_time_option(*cmd, opts->time,
                    "Check the codes as submitted at T instead of now (implies --no-wait)");
    add_device_option(*cmd, opts->device);
    cmd->add_option("--slot", opts->slot, "With --device: the key's HMAC slot, 1 or 2 (default 2)")
        ->type_name("N");
    cmd->footer(
        "On a terminal, prompts go to stderr; piped answers are read one a line, without "
        "prompts. The report goes to stdout.\nExit codes: 0 READY (or formats OK without a seed), "
        "1 NOT READY, 2 bad input.\n"
        "Example:\n  hwtotp enroll --serial GAKT12345678 --secret-file seed.txt --user alice\n"
        "  hwtotp enroll --device unix:/tmp/yk.sock --serial arn:aws:iam::123456789012:mfa/alice");
    cmd->callback([opts, &ctx] { finish(ctx, run_enroll(*opts, ctx)); });
}

}  // namespace hwtotp::cli
