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

Result<int> run_verify(const VerifyOptions& o, Context& ctx) {
    auto code = Code::parse(o.code, "CODE");
    if (!code)
        return tl::unexpected(code.error());
    std::optional<std::uint64_t> given_window;
    if (!o.window.empty()) {
        auto parsed = parse_unsigned(o.window, "--window", max_window);
        if (!parsed)
            return tl::unexpected(parsed.error());
        given_window = *parsed;
    }
    const std::uint64_t window = given_window.value_or(1);
    auto time = resolve_time(o.time, ctx);
    if (!time)
        return tl::unexpected(time.error());

    if (!o.key.token.empty()) {
        return verify_against_registry(TokenVerifyRequest{o.key.token, *code, *time, given_window},
                                       ctx);
    }

    auto key = resolve_key(o.key, ctx);
    if (!key)
        return tl::unexpected(key.error());
    if (code->length() != key->params.digits()) {
        return fail(ErrorCode::invalid_input, code_length_mismatch("CODE", code->length(), *key));
    }
    auto otp = OtpKey::create(key->secret, key->params.hash());
    if (!otp)
        return tl::unexpected(otp.error());

    const bool hotp = key->type == OtpType::hotp;
    std::uint64_t centre = key->counter;
    Verification v;
    if (hotp) {
        // HOTP looks ahead only: the token's counter moves forward with each press.
        const StepRange range{centre, step_add(centre, static_cast<std::int64_t>(window))};
        auto found = find_code(*otp, *code, range);
        v.false_match_odds = false_match_odds(range.size(), code->length(), 1);
        if (!found.empty()) {
            v.matched = true;
            v.step = found.front();
            for (auto s : found)
                v.all_offsets.push_back(step_diff(s, centre));
            v.offset = v.all_offsets.front();
        }
    } else {
        auto step = step_at(key->params, *time);
        if (!step)
            return fail(step.error().code, "--time: " + step.error().message);
        centre = *step;
        v = verify_code(*otp, *code, centre, window);
    }

    const std::string unit = hotp ? "counter" : "step";
    if (ctx.json) {
        nlohmann::json j = params_json(key->params);
        j["type"] = hotp ? "hotp" : "totp";
        j["valid"] = v.matched;
        j["window"] = window;
        j["false_match_odds"] = v.false_match_odds;
        if (!hotp)
            j["time"] = *time;
        j[hotp ? "counter" : "current_step"] = centre;
        if (v.matched) {
            j["matched_" + unit] = v.step;
            j["offset_steps"] = v.offset;
            if (!hotp)
                j["offset_seconds"] = v.offset * key->params.period();
            j["all_offsets"] = v.all_offsets;
        }
        print_json(ctx, j);
    } else if (v.matched) {
        ctx.out << "valid: " << unit << ' ' << v.step << ", offset " << signed_text(v.offset)
                << (hotp ? " counters" : " steps");
        if (!hotp)
            ctx.out << " (" << signed_text(v.offset * key->params.period()) << " s)";
        ctx.out << '\n';
        if (v.all_offsets.size() > 1) {
            ctx.out << "note: " << v.all_offsets.size()
                    << " positions in the window match this code; the nearest is reported\n";
        }
    } else {
        ctx.out << "no match in " << (hotp ? "the next " : "±") << window << ' ' << unit
                << (window == 1 ? "" : "s") << '\n';
    }
    if (v.matched && v.false_match_odds > flag_odds) {
        warn(ctx, "a single " + std::to_string(code->length()) +
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
