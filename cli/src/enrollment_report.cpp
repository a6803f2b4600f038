#include "enrollment_report.h"

#include <optional>
#include <ostream>
#include <sstream>
#include <vector>

#include "hwtotp/aws/commands.h"
#include "hwtotp/aws/serial.h"
#include "hwtotp/totp/enrollment.h"
#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/terminal_text.h"
#include "hwtotp/totp/time_text.h"
#include "json_output.h"
#include "number_text.h"

namespace hwtotp::cli {
namespace {

struct Item {
    std::string id;
    std::string text;
};

std::string kind_text(aws::SerialKind kind) {
    switch (kind) {
        case aws::SerialKind::aws_hardware:
            return "AWS hardware TOTP token serial (four letters, eight digits)";
        case aws::SerialKind::virtual_mfa:
            return "virtual MFA device ARN";
        case aws::SerialKind::fido:
            return "FIDO security key ARN";
        case aws::SerialKind::other:
            return "not a format AWS issues";
    }
    return "unknown";
}

std::string warning_id(aws::SerialKind kind) {
    switch (kind) {
        case aws::SerialKind::virtual_mfa:
            return "virtual_device";
        case aws::SerialKind::fido:
            return "fido_device";
        default:
            return "serial_format";
    }
}

std::string plural(std::int64_t n, const char* unit) {
    return std::to_string(n) + ' ' + unit + (n == 1 || n == -1 ? "" : "s");
}

// A search window's half-width as people say it: "24 h", "50 min", "1 h 15
// min", "90 s".
std::string span_text(std::uint64_t seconds) {
    const auto part = [](std::uint64_t n, const char* unit) {
        return std::to_string(n) + " " + unit;
    };
    if (seconds >= 3600) {
        return seconds % 3600 / 60 == 0
                   ? part(seconds / 3600, "h")
                   : part(seconds / 3600, "h") + " " + part(seconds % 3600 / 60, "min");
    }
    if (seconds >= 60)
        return seconds % 60 == 0 ? part(seconds / 60, "min")
                                 : part(seconds / 60, "min") + " " + part(seconds % 60, "s");
    return part(seconds, "s");
}

// One sentence per finding, for people enrolling at AWS: the engine gives the
// numbers, the words (AWS, what to run next) are the CLI's.
std::string finding_text(const EnrollFinding& f, const EnrollmentCheck& check, const Params& params,
                         const Code& code1, const Code& code2) {
    const std::int64_t period = params.period();
    switch (f.issue) {
        case EnrollIssue::identical:
            if (check.pair_step) {
                return "code 1 and code 2 are the same (" + code1.str() +
                       "); the token really showed it in two consecutive steps, which "
                       "happens "
                       "once in " +
                       std::to_string(power_of_ten(params.digits())) +
                       " steps, but a verifier cannot tell that from a double entry: "
                       "wait for "
                       "the next code and use the last two";
            }
            return "code 1 and code 2 are the same (" + code1.str() +
                   "): a token repeats a code in consecutive steps with probability "
                   "10^-" +
                   std::to_string(params.digits()) +
                   "; you probably typed code 1 twice or read both codes within one "
                   "step (press "
                   "the button again after the display changes)";
        case EnrollIssue::swapped:
            return "the codes are in the wrong order: " + code2.str() + " comes one step before " +
                   code1.str() + " (enter " + code2.str() + " as code 1 and " + code1.str() +
                   " as code 2)";
        case EnrollIssue::not_consecutive:
            return f.gap_steps > 0
                       ? "the codes are not consecutive: code 2 is " + plural(f.gap_steps, "step") +
                             " after code 1 (" + std::to_string(f.gap_steps * period) +
                             " s); AWS needs the very next code (exactly 1 step)"
                       : "the codes are not consecutive: code 2 is " +
                             plural(-f.gap_steps, "step") +
                             " before code 1; AWS needs code 2 to be the very next "
                             "code after "
                             "code 1";
        case EnrollIssue::token_fast:
            return "code 2 is for a step " + plural(f.offset_steps, "step") + " (" +
                   std::to_string(f.offset_steps * period) +
                   " s) ahead of this computer's clock: the token is fast, and AWS "
                   "would "
                   "register it out of sync (check this computer's clock; otherwise "
                   "resync after "
                   "enrolling)";
        case EnrollIssue::stale:
            return "code 2 stopped being current " + std::to_string(f.stale_seconds) +
                   " s ago: the pair is stale by " + std::to_string(f.stale_seconds) +
                   " s (read two new codes), or, if you just read it, the token's "
                   "clock is " +
                   std::to_string(-f.offset_steps * period) + " s behind (resync after enrolling)";
        case EnrollIssue::code1_unmatched:
        case EnrollIssue::code2_unmatched: {
            const bool first = f.issue == EnrollIssue::code2_unmatched;  // code 1 matched
            return std::string(first ? "code 1" : "code 2") + " matches step " +
                   signed_text(f.offset_steps) + " (" + std::to_string(f.offset_steps * period) +
                   " s from now; a single code matches by chance in ±" +
                   std::to_string(check.search_radius) + " steps with probability " +
                   odds_text(f.single_code_odds) + "), but " + (first ? "code 2" : "code 1") +
                   " matches no step near it: mistyped " + (first ? "code 2" : "code 1") + "?";
        }
        case EnrollIssue::no_match:
            return "neither code matches the seed as a pair within ±" +
                   std::to_string(check.search_radius) +
                   " steps of now: a typo, the wrong seed or serial, or a token clock "
                   "more than " +
                   span_text(check.search_radius * static_cast<std::uint64_t>(period)) +
                   " off (find it with: hwtotp resync --search-window all)";
    }
    return std::string(enroll_issue_id(f.issue));
}

nlohmann::json items_json(const std::vector<Item>& items) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& i : items)
        a.push_back({{"id", i.id}, {"text", i.text}});
    return a;
}

}  // namespace

Result<Submitter> parse_submitter(const std::string& user, bool root) {
    if (!user.empty() && root) {
        return fail(ErrorCode::invalid_input,
                    "--user and --root exclude each other (the device is for one of them)");
    }
    Submitter s;
    s.root = root;
    if (!user.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(s.user, aws::validate_user_name(user, "--user"));
    }
    return s;
}

Result<void> key_fits_enrollment(const std::string& serial, const ResolvedKey& key,
                                 const std::string& what) {
    if (!key.serial.empty() && key.serial != serial) {
        return fail(ErrorCode::invalid_input,
                    what + " " + serial + " does not match the seed's serial " + key.serial + " (" +
                        key.source + "): the codes would be checked against another token");
    }
    if (key.params.digits() != 6) {
        return fail(ErrorCode::invalid_input, "the seed (" + key.source + ") makes " +
                                                  std::to_string(key.params.digits()) +
                                                  "-digit codes; AWS accepts only 6-digit tokens");
    }
    return {};
}

namespace {

// The report before it is printed: every reason the pair is not ready, the
// warnings, the engine's check when a seed was given, and what to submit.
struct CheckReport {
    aws::SerialCheck serial;
    std::vector<Item> reasons;
    std::vector<Item> warnings;
    std::optional<EnrollmentCheck> check;  // none: no seed, format checks only
    std::optional<std::string> command;    // aws iam enable-mfa-device, for --user
    std::vector<std::string> console_steps;
    [[nodiscard]] bool ready() const { return reasons.empty(); }
    [[nodiscard]] bool verified() const { return check.has_value(); }
};

// AWS's hardware tokens are SHA-1 with 30-s steps; a seed file that says
// otherwise is either another kind of token or a misread file: worth saying
// before enrolling.
void add_param_warnings(const Params& params, std::vector<Item>& warnings) {
    if (params.period() != 30) {
        warnings.push_back({"period_not_30", "the seed says " + std::to_string(params.period()) +
                                                 "-s steps; AWS computes codes with 30-s steps"});
    }
    if (params.hash() != Hash::sha1) {
        warnings.push_back(
            {"hash_not_sha1", "the seed says " + std::string(hash_name(params.hash())) +
                                  "; AWS hardware and virtual tokens use HMAC-SHA1"});
    }
}

// The engine's verdict on the pair, in the CLI's words.
Result<void> check_with_seed(const CheckRequest& r, CheckReport& report) {
    const ResolvedKey& key = *r.key;
    HWTOTP_ASSIGN_OR_RETURN(const auto otp, OtpKey::create(key.secret, key.params.hash()));
    add_param_warnings(key.params, report.warnings);
    auto c = check_enrollment(otp, key.params, r.code1, r.code2, r.time,
                              EnrollmentOptions{r.search_radius});
    if (!c)
        return fail(c.error().code, "--time: " + c.error().message);
    report.check = std::move(*c);
    const EnrollmentCheck& check = *report.check;
    for (const auto& f : check.findings) {
        report.reasons.push_back({std::string(enroll_issue_id(f.issue)),
                                  finding_text(f, check, key.params, r.code1, r.code2)});
    }
    if (check.pairs_in_window > 1) {
        report.warnings.push_back({"pair_ambiguous", "the pair also matches " +
                                                         std::to_string(check.pairs_in_window - 1) +
                                                         " other step(s) in the window (chance); "
                                                         "the one nearest now is reported"});
    }
    return {};
}

Result<CheckReport> assess(const CheckRequest& r) {
    if (r.key != nullptr)
        HWTOTP_TRY(key_fits_enrollment(r.serial, *r.key));
    CheckReport report;
    report.serial = aws::check_serial(r.serial);
    for (const auto& p : report.serial.problems)
        report.reasons.push_back({"serial_rejected", "AWS would reject this serial: " + p});
    for (const auto& w : report.serial.warnings)
        report.warnings.push_back({warning_id(report.serial.kind), w});
    if (r.key != nullptr) {
        HWTOTP_TRY(check_with_seed(r, report));
    } else if (r.code1 == r.code2) {
        report.reasons.push_back(
            {"identical", "code 1 and code 2 are the same (" + r.code1.str() +
                              "): a token repeats a code in consecutive steps with probability "
                              "10^-6; you probably typed code 1 twice"});
    }
    // What to submit, only when it makes sense to submit it.
    if (report.ready() && report.serial.accepted_by_aws) {
        if (!r.submitter.user.empty()) {
            report.command =
                aws::enable_mfa_device_command({r.submitter.user, r.serial, r.code1, r.code2});
        } else if (r.submitter.root) {
            report.console_steps = aws::root_enable_console_steps(r.serial, r.code1, r.code2);
        }
    }
    return report;
}

void add_check_json(const EnrollmentCheck& check, const Params& params, nlohmann::json& j) {
    const std::int64_t period = params.period();
    j["params"] = params_json(params);
    j["search_radius"] = check.search_radius;
    j["current_step"] = check.current_step;
    j["pair_found"] = check.pair_step.has_value();
    if (check.pair_step) {
        j["pair_step"] = *check.pair_step;
        j["pair_offset_steps"] = check.pair_offset_steps;
        j["pair_offset_seconds"] = check.pair_offset_steps * period;
        j["clock_offset_steps"] = check.clock_offset_steps;
        j["clock_offset_seconds"] = check.clock_offset_steps * period;
        j["seconds_left"] = check.seconds_left;
        j["submit_before"] = format_time(check.submit_before);
    }
}

void print_check_json(const CheckRequest& r, const CheckReport& report, Context& ctx) {
    const bool ready = report.ready();
    nlohmann::json j;
    j["verdict"] = !ready ? "not_ready" : report.verified() ? "ready" : "unverified";
    j["ready"] = ready && report.verified();
    j["verified"] = report.verified();
    j["serial"] = r.serial;
    j["serial_kind"] = std::string(aws::serial_kind_name(report.serial.kind));
    j["serial_accepted_by_aws"] = report.serial.accepted_by_aws;
    j["code1"] = r.code1.str();
    j["code2"] = r.code2.str();
    j["time"] = r.time;
    j["time_iso"] = format_time(r.time);
    j["reasons"] = items_json(report.reasons);
    j["warnings"] = items_json(report.warnings);
    if (report.check)
        add_check_json(*report.check, r.key->params, j);
    j["command"] = report.command ? nlohmann::json(*report.command) : nlohmann::json(nullptr);
    j["console_steps"] = report.console_steps.empty() ? nlohmann::json(nullptr)
                                                      : nlohmann::json(report.console_steps);
    print_json(ctx, j);
}

// Where the pair sits and how far the token's clock is off.
void print_pair(const EnrollmentCheck& check, std::int64_t period, std::ostream& out) {
    const std::uint64_t s = *check.pair_step;
    out << "pair: steps " << s << " and " << s + 1 << "; code 1 is "
        << signed_text(check.pair_offset_steps) << " steps ("
        << signed_text(check.pair_offset_steps * period) << " s) from now\n";
    out << "token clock: ";
    if (check.clock_offset_steps == 0) {
        out << "in step with this computer (code 2 is the current code)\n";
    } else {
        out << signed_text(check.clock_offset_steps) << " steps ("
            << signed_text(check.clock_offset_steps * period)
            << " s) from this computer, if code 2 is what the token shows now\n";
    }
}

void print_verdict_and_submission(const CheckReport& report, std::ostream& out) {
    if (report.ready() && report.verified()) {
        out << "READY: submit within " << report.check->seconds_left << " s (before "
            << format_time(report.check->submit_before) << ")\n";
    } else if (report.ready()) {
        out << "FORMAT OK (not verified): serial and codes have the shapes AWS "
               "accepts; without "
               "the seed the codes cannot be verified offline. Submit right away: "
               "code 2 must "
               "be the token's current code\n";
    } else {
        out << "NOT READY:\n";
        for (const auto& reason : report.reasons)
            out << "  - " << reason.id << ": " << escape_for_terminal(reason.text) << '\n';
    }
    if (report.command) {
        out << '\n' << *report.command << '\n';
    } else if (!report.console_steps.empty()) {
        out << "\nRoot user (AWS allows root hardware MFA only in the console):\n";
        int i = 1;
        for (const auto& step : report.console_steps)
            out << "  " << i++ << ". " << escape_for_terminal(step) << '\n';
    }
}

void print_check_text(const CheckRequest& r, const CheckReport& report, std::ostream& out) {
    out << "serial " << escape_for_terminal(r.serial) << ": " << kind_text(report.serial.kind)
        << (report.serial.accepted_by_aws ? "" : ", rejected by AWS") << '\n';
    for (const auto& w : report.warnings)
        out << "  warning: " << escape_for_terminal(w.text) << '\n';
    out << "codes: " << r.code1.str() << " then " << r.code2.str() << '\n';
    if (report.check && report.check->pair_step)
        print_pair(*report.check, r.key->params.period(), out);
    print_verdict_and_submission(report, out);
}

}  // namespace

Result<int> report_check(const CheckRequest& r, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(const auto report, assess(r));
    if (ctx.json)
        print_check_json(r, report, ctx);
    else
        print_check_text(r, report, ctx.out);
    return report.ready() ? exit_ok : exit_negative;
}

}  // namespace hwtotp::cli
