// hwtotp verify: does a code match within ±N steps (TOTP) or the next N counters (HOTP)?
#include <cmath>
#include <memory>
#include <ostream>
#include <sstream>

#include "commands.h"
#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/window.h"
#include "json_output.h"
#include "key_options.h"
#include "number_option.h"
#include "number_text.h"
#include "registry_hooks.h"
#include "time_option.h"

namespace hwtotp::cli {
namespace {

struct VerifyOptions {
    KeyOptions key;
    std::string code;
    std::string time;
    std::string window;
};

constexpr std::uint64_t max_window = 1'000'000'000;
// Above this chance of a false match, a single-code match proves little: say so.
constexpr double flag_odds = 0.01;

// A code checked against a seed given on the command line (not --token).
struct VerifyOutcome {
    Verification v;
    Params params = Params::standard();
    bool hotp = false;
    std::uint64_t centre = 0;  // the current step (TOTP) or the next counter (HOTP)
    std::uint64_t window = 1;
    std::int64_t time = 0;
    int digits = 0;
    [[nodiscard]] std::string unit() const { return hotp ? "counter" : "step"; }
};

// HOTP looks ahead only: the token's counter moves forward with each press.
Verification verify_hotp(const OtpKey& otp, const Code& code, std::uint64_t counter,
                         std::uint64_t window) {
    const StepRange range{counter, step_add(counter, static_cast<std::int64_t>(window))};
    const auto found = find_code(otp, code, range);
    Verification v;
    v.false_match_odds = false_match_odds(range.size(), code.length(), 1);
    if (!found.empty()) {
        v.matched = true;
        v.step = found.front();
        for (auto s : found)
            v.all_offsets.push_back(step_diff(s, counter));
        v.offset = v.all_offsets.front();
    }
    return v;
}

Result<VerifyOutcome> verify_with_key(const KeyOptions& key_options, const Code& code,
                                      std::uint64_t window, std::int64_t time, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(const auto key, resolve_key(key_options, ctx));
    if (code.length() != key.params.digits()) {
        return fail(ErrorCode::invalid_input, code_length_mismatch("CODE", code.length(), key));
    }
    HWTOTP_ASSIGN_OR_RETURN(const auto otp, OtpKey::create(key.secret, key.params.hash()));
    VerifyOutcome out;
    out.params = key.params;
    out.hotp = key.type == OtpType::hotp;
    out.window = window;
    out.time = time;
    out.digits = code.length();
    if (out.hotp) {
        out.centre = key.counter;
        out.v = verify_hotp(otp, code, key.counter, window);
        return out;
    }
    auto step = step_at(key.params, time);
    if (!step)
        return fail(step.error().code, "--time: " + step.error().message);
    out.centre = *step;
    out.v = verify_code(otp, code, out.centre, window);
    return out;
}

void print_verify_json(const VerifyOutcome& r, Context& ctx) {
    const Verification& v = r.v;
    nlohmann::json j = params_json(r.params);
    j["type"] = r.hotp ? "hotp" : "totp";
    j["valid"] = v.matched;
    j["window"] = r.window;
    j["false_match_odds"] = v.false_match_odds;
    if (!r.hotp)
        j["time"] = r.time;
    j[r.hotp ? "counter" : "current_step"] = r.centre;
    if (v.matched) {
        j["matched_" + r.unit()] = v.step;
        j["offset_steps"] = v.offset;
        if (!r.hotp)
            j["offset_seconds"] = v.offset * r.params.period();
        j["all_offsets"] = v.all_offsets;
    }
    print_json(ctx, j);
}

void print_verify_text(const VerifyOutcome& r, std::ostream& out) {
    const Verification& v = r.v;
    if (!v.matched) {
        out << "no match in " << (r.hotp ? "the next " : "±") << r.window << ' ' << r.unit()
            << (r.window == 1 ? "" : "s") << '\n';
        return;
    }
    out << "valid: " << r.unit() << ' ' << v.step << ", offset " << signed_text(v.offset)
        << (r.hotp ? " counters" : " steps");
    if (!r.hotp)
        out << " (" << signed_text(v.offset * r.params.period()) << " s)";
    out << '\n';
    if (v.all_offsets.size() > 1) {
        out << "note: " << v.all_offsets.size()
            << " positions in the window match this code; the nearest is reported\n";
    }
}

Result<int> run_verify(const VerifyOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(const auto code, Code::parse(o.code, "CODE"));
    std::optional<std::uint64_t> given_window;
    if (!o.window.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(given_window, parse_unsigned(o.window, "--window", max_window));
    }
    HWTOTP_ASSIGN_OR_RETURN(const auto time, resolve_time(o.time, ctx));
    if (!o.key.token.empty()) {
        return verify_against_registry(TokenVerifyRequest{o.key.token, code, time, given_window},
                                       ctx);
    }
    HWTOTP_ASSIGN_OR_RETURN(const auto outcome,
                            verify_with_key(o.key, code, given_window.value_or(1), time, ctx));
    if (ctx.json)
        print_verify_json(outcome, ctx);
    else
        print_verify_text(outcome, ctx.out);
    const Verification& v = outcome.v;
    if (v.matched && v.false_match_odds > flag_odds) {
        warn(ctx, "a single " + std::to_string(outcome.digits) +
                      "-digit code matches by chance in this window with probability " +
                      odds_text(v.false_match_odds) +
                      "; a match here proves little (resync with two consecutive codes instead)");
    }
    return v.matched ? exit_ok : exit_negative;
}

}  // namespace

void add_verify_command(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<VerifyOptions>();
    auto* cmd =
        app.add_subcommand("verify", "Check a code against a seed within a window of steps");
    cmd->add_option("CODE", opts->code, "The code the token shows")->required();
    add_key_options(*cmd, opts->key);
    add_time_option(*cmd, opts->time);
    cmd->add_option("--window", opts->window,
                    "Accept ±N steps around the time (default 1; with --token, around the "
                    "token's offset, and at most as wide as keeps a chance match under 1%: "
                    "±4999 steps for 6 digits)")
        ->type_name("N");
    cmd->footer(
        "Example:\n  hwtotp verify --hex 3132333435363738393031323334353637383930 --digits 8 "
        "--time 59 94287082");
    cmd->callback([opts, &ctx] { finish(ctx, run_verify(*opts, ctx)); });
}

}  // namespace hwtotp::cli
