#include "enrollment_report.h"

#include <ostream>
#include <sstream>

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

// A search window's half-width as people say it: "24 h", "50 min", "1 h 15 min", "90 s".
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

// One sentence per finding, for people enrolling at AWS: the engine gives the numbers, the
// words (AWS, what to run next) are the CLI's.
std::string finding_text(const EnrollFinding& f, const EnrollmentCheck& check, const Params& params,
                         const Code& code1, const Code& code2) {
    const std::int64_t period = params.period();
    switch (f.issue) {
        case EnrollIssue::identical:
            if (check.pair_step) {
                return "code 1 and code 2 are the same (" + code1.str() +
                       "); the token really showed it in two consecutive steps, which happens "
                       "once in " +
                       std::to_string(power_of_ten(params.digits())) +
                       " steps, but a verifier cannot tell that from a double entry: wait for "
                       "the next code and use the last two";
            }
            return "code 1 and code 2 are the same (" + code1.str() +
                   "): a token repeats a code in consecutive steps with probability 10^-" +
                   std::to_string(params.digits()) +
                   "; you probably typed code 1 twice or read both codes within one step (press "
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
                             " before code 1; AWS needs code 2 to be the very next code after "
                             "code 1";
        case EnrollIssue::token_fast:
            return "code 2 is for a step " + plural(f.offset_steps, "step") + " (" +
                   std::to_string(f.offset_steps * period) +
                   " s) ahead of this computer's clock: the token is fast, and AWS would "
                   "register it out of sync (check this computer's clock; otherwise resync after "
                   "enrolling)";
        case EnrollIssue::stale:
            return "code 2 stopped being current " + std::to_string(f.stale_seconds) +
                   " s ago: the pair is stale by " + std::to_string(f.stale_seconds) +
                   " s (read two new codes), or, if you just read it, the token's clock is " +
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
                   " steps of now: a typo, the wrong seed or serial, or a token clock more than " +
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
        auto name = aws::validate_user_name(user, "--user");
        if (!name)
            return tl::unexpected(name.error());
        s.user = *name;
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

Result<int> report_check(const CheckRequest& r, Context& ctx) {
    if (r.key != nullptr) {
        if (auto fits = key_fits_enrollment(r.serial, *r.key); !fits)
            return tl::unexpected(fits.error());
    }
    const aws::SerialCheck serial = aws::check_serial(r.serial);
    std::vector<Item> reasons;
    std::vector<Item> warnings;
    for (const auto& p : serial.problems)
        reasons.push_back({"serial_rejected", "AWS would reject this serial: " + p});
    for (const auto& w : serial.warnings)
        warnings.push_back({warning_id(serial.kind), w});

    std::optional<EnrollmentCheck> check;
    if (r.key != nullptr) {
        auto otp = OtpKey::create(r.key->secret, r.key->params.hash());
        if (!otp)
            return tl::unexpected(otp.error());
        // AWS's hardware tokens are SHA-1 with 30-s steps; a seed file that says otherwise is
        // either another kind of token or a misread file: worth saying before enrolling.
        if (r.key->params.period() != 30) {
            warnings.push_back(
                {"period_not_30", "the seed says " + std::to_string(r.key->params.period()) +
                                      "-s steps; AWS computes codes with 30-s steps"});
        }
        if (r.key->params.hash() != Hash::sha1) {
            warnings.push_back(
                {"hash_not_sha1", "the seed says " + std::string(hash_name(r.key->params.hash())) +
                                      "; AWS hardware and virtual tokens use HMAC-SHA1"});
        }
        auto c = check_enrollment(*otp, r.key->params, r.code1, r.code2, r.time,
                                  EnrollmentOptions{r.search_radius});
        if (!c)
            return fail(c.error().code, "--time: " + c.error().message);
        check = std::move(*c);
        for (const auto& f : check->findings) {
            reasons.push_back({std::string(enroll_issue_id(f.issue)),
                               finding_text(f, *check, r.key->params, r.code1, r.code2)});
        }
        if (check->pairs_in_window > 1) {
            warnings.push_back({"pair_ambiguous", "the pair also matches " +
                                                      std::to_string(check->pairs_in_window - 1) +
                                                      " other step(s) in the window (chance); "
                                                      "the one nearest now is reported"});
        }
    } else if (r.code1 == r.code2) {
        reasons.push_back(
            {"identical", "code 1 and code 2 are the same (" + r.code1.str() +
                              "): a token repeats a code in consecutive steps with probability "
                              "10^-6; you probably typed code 1 twice"});
    }

    const bool verified = check.has_value();
    const bool ready = reasons.empty();
    const std::string verdict = !ready ? "not_ready" : verified ? "ready" : "unverified";
    const std::int64_t period = verified ? r.key->params.period() : 30;

    // What to submit, only when it makes sense to submit it.
    std::optional<std::string> command;
    std::vector<std::string> console_steps;
    if (ready && serial.accepted_by_aws) {
        if (!r.submitter.user.empty()) {
            command =
                aws::enable_mfa_device_command({r.submitter.user, r.serial, r.code1, r.code2});
        } else if (r.submitter.root) {
            console_steps = aws::root_enable_console_steps(r.serial, r.code1, r.code2);
        }
    }

    if (ctx.json) {
        nlohmann::json j;
        j["verdict"] = verdict;
        j["ready"] = ready && verified;
        j["verified"] = verified;
        j["serial"] = r.serial;
        j["serial_kind"] = std::string(aws::serial_kind_name(serial.kind));
        j["serial_accepted_by_aws"] = serial.accepted_by_aws;
        j["code1"] = r.code1.str();
        j["code2"] = r.code2.str();
        j["time"] = r.time;
        j["time_iso"] = format_time(r.time);
        j["reasons"] = items_json(reasons);
        j["warnings"] = items_json(warnings);
        if (check) {
            j["params"] = params_json(r.key->params);
            j["search_radius"] = check->search_radius;
            j["current_step"] = check->current_step;
            j["pair_found"] = check->pair_step.has_value();
            if (check->pair_step) {
                j["pair_step"] = *check->pair_step;
                j["pair_offset_steps"] = check->pair_offset_steps;
                j["pair_offset_seconds"] = check->pair_offset_steps * period;
                j["clock_offset_steps"] = check->clock_offset_steps;
                j["clock_offset_seconds"] = check->clock_offset_steps * period;
                j["seconds_left"] = check->seconds_left;
                j["submit_before"] = format_time(check->submit_before);
            }
        }
        j["command"] = command ? nlohmann::json(*command) : nlohmann::json(nullptr);
        j["console_steps"] =
            console_steps.empty() ? nlohmann::json(nullptr) : nlohmann::json(console_steps);
        print_json(ctx, j);
        return ready ? exit_ok : exit_negative;
    }

    auto& out = ctx.out;
    out << "serial " << escape_for_terminal(r.serial) << ": " << kind_text(serial.kind)
        << (serial.accepted_by_aws ? "" : ", rejected by AWS") << '\n';
    for (const auto& w : warnings)
        out << "  warning: " << escape_for_terminal(w.text) << '\n';
    out << "codes: " << r.code1.str() << " then " << r.code2.str() << '\n';
    if (check && check->pair_step) {
        const std::uint64_t s = *check->pair_step;
        out << "pair: steps " << s << " and " << s + 1 << "; code 1 is "
            << signed_text(check->pair_offset_steps) << " steps ("
            << signed_text(check->pair_offset_steps * period) << " s) from now\n";
        out << "token clock: ";
        if (check->clock_offset_steps == 0) {
            out << "in step with this computer (code 2 is the current code)\n";
        } else {
            out << signed_text(check->clock_offset_steps) << " steps ("
                << signed_text(check->clock_offset_steps * period)
                << " s) from this computer, if code 2 is what the token shows now\n";
        }
    }
    if (ready && verified) {
        out << "READY: submit within " << check->seconds_left << " s (before "
            << format_time(check->submit_before) << ")\n";
    } else if (ready) {
        out << "FORMAT OK (not verified): serial and codes have the shapes AWS accepts; without "
               "the seed the codes cannot be verified offline. Submit right away: code 2 must "
               "be the token's current code\n";
    } else {
        out << "NOT READY:\n";
        for (const auto& reason : reasons)
            out << "  - " << reason.id << ": " << escape_for_terminal(reason.text) << '\n';
    }
    if (command) {
        out << '\n' << *command << '\n';
    } else if (!console_steps.empty()) {
        out << "\nRoot user (AWS allows root hardware MFA only in the console):\n";
        int i = 1;
        for (const auto& step : console_steps)
            out << "  " << i++ << ". " << escape_for_terminal(step) << '\n';
    }
    return ready ? exit_ok : exit_negative;
}

}  // namespace hwtotp::cli
