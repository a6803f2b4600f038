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
        for (const auto& f : check->findings)
            reasons.push_back({std::string(enroll_issue_id(f.issue)), f.text});
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
