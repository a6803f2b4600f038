// hwtotp simulate: what a hardware token shows (display tokens with a drifting clock), a new
// random token (--new), or a simulated YubiKey served on a Unix socket (--hid-socket).
#include <charconv>
#include <cmath>
#include <memory>
#include <ostream>

#include "commands.h"
#include "hwtotp/device/random_seed.h"
#include "hwtotp/device/simulated_token.h"
#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/otpauth.h"
#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/time_text.h"
#include "json_output.h"
#include "key_options.h"
#include "number_option.h"
#include "simulate_socket.h"
#include "time_option.h"

namespace hwtotp::cli {
namespace {

struct SimulateOptions {
    KeyOptions key;
    std::string serial;
    std::string drift_ppm = "0";
    std::string offset = "0";
    std::string since;  // default: --time (a token set right at T has not drifted yet)
    std::string time;
    std::string presses = "1";
    bool enroll = false;
    bool create_new = false;
    std::string hid_socket;
    bool touch = false;
    std::string touch_after = "1000";
};

constexpr std::int64_t max_presses = 10000;
constexpr double max_ppm = 100000.0;  // 10 %: far beyond any crystal, still exact arithmetic

Result<double> parse_ppm(const std::string& text) {
    double value = 0.0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
        !std::isfinite(value) || std::fabs(value) > max_ppm) {
        return fail(ErrorCode::invalid_input,
                    "--drift-ppm '" + text.substr(0, 40) +
                        "' is not accepted (accepted: a number from -100000 to 100000, e.g. 40 "
                        "or -2.5)");
    }
    return value;
}

// The real time of the last of `presses` presses, one period apart from `first`.
Result<std::int64_t> last_press_time(std::int64_t first, std::int64_t presses,
                                     std::int64_t period) {
    std::int64_t span = 0;
    std::int64_t last = 0;
    if (__builtin_mul_overflow(presses - 1, period, &span) ||
        __builtin_add_overflow(first, span, &last)) {
        return fail(ErrorCode::invalid_input, "--presses " + std::to_string(presses) +
                                                  " from --time " + std::to_string(first) +
                                                  " would run past 64-bit Unix time");
    }
    return last;
}

// --offset: any whole number of seconds that keeps the token's clock at or after T0 and within
// 64-bit time at every press (a token reset to 1970 by a battery change is about -1.8e9 s
// behind). The bounds depend on --time, --since, --drift-ppm and --presses, so the message
// gives them for this call.
Result<std::int64_t> parse_offset(const std::string& text, const device::DriftModel& model,
                                  std::int64_t first, std::int64_t last, const Params& params) {
    const auto range = model.valid_offsets(first, last, params.t0());
    if (!range) {
        return fail(ErrorCode::invalid_input,
                    "--time, --since and --drift-ppm put the token's clock outside 64-bit time "
                    "whatever --offset is");
    }
    auto offset = parse_integer(text, "--offset", range->min, range->max);
    if (!offset) {
        return fail(ErrorCode::invalid_input,
                    "--offset '" + text.substr(0, 40) +
                        "' is not accepted (accepted with these --time, --since, --drift-ppm and "
                        "--presses: a whole number from " +
                        std::to_string(range->min) + " to " + std::to_string(range->max) +
                        ", which keeps the token's clock at or after T0 = " +
                        format_time(params.t0()) + " and within 64-bit time)");
    }
    return offset;
}

Result<int> run_new(const SimulateOptions& o, Context& ctx) {
    if (has_key_source(o.key)) {
        return fail(ErrorCode::invalid_input,
                    "--new creates a random seed: give no --secret/--hex/--uri/--secret-file");
    }
    auto hash = parse_hash(o.key.algorithm.empty() ? "sha1" : o.key.algorithm);
    if (!hash)
        return fail(hash.error().code, "--algorithm: " + hash.error().message);
    HWTOTP_ASSIGN_OR_RETURN(
        auto digits, parse_integer(o.key.digits.empty() ? "6" : o.key.digits, "--digits", 6, 8));
    HWTOTP_ASSIGN_OR_RETURN(auto period, parse_integer(o.key.period.empty() ? "30" : o.key.period,
                                                       "--period", 1, 86400));
    HWTOTP_ASSIGN_OR_RETURN(auto params,
                            Params::create(*hash, static_cast<int>(digits), period, 0));
    HWTOTP_ASSIGN_OR_RETURN(auto seed, device::random_seed(20));

    KeyUri uri;
    uri.issuer = "hwtotp";
    uri.account = o.serial;
    uri.secret = std::move(seed);
    uri.params = params;
    std::string text = format_otpauth_uri(uri);
    warn(ctx, "the output contains the new token's seed: store it like a password");
    if (ctx.json) {
        nlohmann::json result = params_json(params);
        result["serial"] = o.serial;
        result["uri"] = text;
        print_json(ctx, result);
    } else {
        ctx.out << text << '\n';
    }
    wipe_memory(text.data(), text.size());
    return exit_ok;
}

Result<int> run_socket(const SimulateOptions& o, Context& ctx) {
    SocketServeRequest request;
    request.path = o.hid_socket;
    request.touch = o.touch;
    if (!o.serial.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(
            auto serial, parse_unsigned(o.serial, "--serial (a YubiKey serial)", 0xFFFFFFFFULL));
        request.serial = static_cast<std::uint32_t>(serial);
    }
    if (o.touch_after == "never") {
        request.touch_after_ms = std::nullopt;
    } else {
        HWTOTP_ASSIGN_OR_RETURN(auto ms,
                                parse_integer(o.touch_after, "--touch-after", 0, 3'600'000));
        request.touch_after_ms = ms;
    }
    HWTOTP_ASSIGN_OR_RETURN(auto key, resolve_key(o.key, ctx));
    if (key.params.hash() != Hash::sha1) {
        return fail(ErrorCode::invalid_input,
                    "--hid-socket: a YubiKey slot computes HMAC-SHA1 only; use --algorithm sha1");
    }
    return serve_simulated_key(request, std::move(key.secret), ctx);
}

// A display token as the options describe it, and when its button is first pressed.
struct DisplayToken {
    device::SimulatedToken token;
    Params params;
    std::int64_t time = 0;  // the first press
    std::int64_t presses = 1;
};

Result<DisplayToken> display_token(const SimulateOptions& o, Context& ctx) {
    if (o.serial.empty()) {
        return fail(ErrorCode::invalid_input,
                    "--serial is required (the serial printed on the token, e.g. GAKT12345678)");
    }
    // One range in every message: 0 is refused with the same words as 10001.
    HWTOTP_ASSIGN_OR_RETURN(const std::int64_t presses,
                            parse_integer(o.presses, "--presses", 1, max_presses));
    HWTOTP_ASSIGN_OR_RETURN(const double ppm, parse_ppm(o.drift_ppm));
    HWTOTP_ASSIGN_OR_RETURN(const std::int64_t time, resolve_time(o.time, ctx));
    std::int64_t since = time;
    if (!o.since.empty()) {
        auto parsed = parse_time(o.since);
        if (!parsed)
            return tl::unexpected(with_context("--since: ", parsed.error()));
        since = *parsed;
    }
    HWTOTP_ASSIGN_OR_RETURN(const ResolvedKey key, resolve_key(o.key, ctx));
    if (key.type != OtpType::totp) {
        return fail(ErrorCode::invalid_input, "simulate shows TOTP tokens; drop --hotp");
    }
    HWTOTP_ASSIGN_OR_RETURN(const std::int64_t last,
                            last_press_time(time, presses, key.params.period()));
    auto drift = device::DriftModel::starting_at(since, ppm);
    HWTOTP_ASSIGN_OR_RETURN(const std::int64_t offset,
                            parse_offset(o.offset, drift, time, last, key.params));
    drift.offset_seconds = offset;
    HWTOTP_ASSIGN_OR_RETURN(
        auto token, device::SimulatedToken::create(o.serial, key.secret, key.params, drift));
    return DisplayToken{std::move(token), key.params, time, presses};
}

// A person presses at T, types the code, waits for the display to change, and types the next
// one: the token's steps s and s + 1.
Result<int> show_enrollment(const SimulateOptions& o, const DisplayToken& shown,
                            nlohmann::json result, Context& ctx) {
    const auto& token = shown.token;
    HWTOTP_ASSIGN_OR_RETURN(const std::uint64_t step, token.token_step(shown.time));
    const Code code1 = token.code_for_step(step);
    const Code code2 = token.code_for_step(step + 1);
    if (ctx.json) {
        result["token_time"] = token.token_time(shown.time);
        result["token_step"] = step;
        result["code1"] = code1.str();
        result["code2"] = code2.str();
        result["seconds_until_code2"] =
            step_start(shown.params, step + 1) - token.token_time(shown.time);
        print_json(ctx, result);
    } else {
        ctx.out << "Serial number: " << o.serial << '\n'
                << "MFA code 1: " << code1.digits() << '\n'
                << "MFA code 2: " << code2.digits() << '\n';
    }
    return exit_ok;
}

Result<int> run_display(const SimulateOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(const DisplayToken shown, display_token(o, ctx));
    const auto& token = shown.token;
    nlohmann::json result = params_json(shown.params);
    result["serial"] = o.serial;
    result["drift_ppm"] = token.drift().ppm;
    result["offset_seconds"] = token.drift().offset_seconds;
    result["since"] = token.drift().since;
    result["time"] = shown.time;
    if (o.enroll)
        return show_enrollment(o, shown, std::move(result), ctx);

    nlohmann::json presses = nlohmann::json::array();
    for (std::int64_t i = 0; i < shown.presses; ++i) {
        const std::int64_t at = shown.time + i * shown.params.period();
        HWTOTP_ASSIGN_OR_RETURN(const Code code, token.press(at));
        HWTOTP_ASSIGN_OR_RETURN(const std::uint64_t step, token.token_step(at));
        if (ctx.json) {
            presses.push_back({{"time", at},
                               {"time_iso", format_time(at)},
                               {"token_time", token.token_time(at)},
                               {"token_step", step},
                               {"code", code.str()}});
        } else {
            ctx.out << code.digits() << '\n';
        }
    }
    if (ctx.json) {
        result["presses"] = std::move(presses);
        print_json(ctx, result);
    }
    return exit_ok;
}

Result<int> run_simulate(const SimulateOptions& o, Context& ctx) {
    if (o.create_new && !o.hid_socket.empty()) {
        return fail(ErrorCode::invalid_input, "--new and --hid-socket cannot be combined");
    }
    // Options of one mode given to another would be silently ignored: refuse them instead.
    const bool display_options = o.drift_ppm != "0" || o.offset != "0" || !o.since.empty() ||
                                 o.presses != "1" || o.enroll || !o.time.empty();
    if ((o.create_new || !o.hid_socket.empty()) && display_options) {
        return fail(ErrorCode::invalid_input,
                    "--drift-ppm, --offset, --since, --time, --presses and --enroll describe what "
                    "a display token shows; they do not apply to --new or --hid-socket");
    }
    if (o.hid_socket.empty() && (o.touch || o.touch_after != "1000")) {
        return fail(ErrorCode::invalid_input,
                    "--touch and --touch-after apply to --hid-socket only");
    }
    if (o.create_new)
        return run_new(o, ctx);
    if (!o.hid_socket.empty())
        return run_socket(o, ctx);
    return run_display(o, ctx);
}

}  // namespace

void add_simulate_command(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<SimulateOptions>();
    auto* cmd = app.add_subcommand(
        "simulate",
        "Show what a hardware token displays, create one, or serve a simulated YubiKey");
    add_key_options(*cmd, opts->key);
    cmd->add_option("--serial", opts->serial,
                    "Token serial (display tokens: any text; --hid-socket: a number, default "
                    "12345678)")
        ->type_name("S");
    cmd->add_option("--drift-ppm", opts->drift_ppm,
                    "Clock drift in parts per million since --since (positive: runs fast)")
        ->type_name("P");
    cmd->add_option("--offset", opts->offset,
                    "Extra clock offset in seconds (default 0), any that keeps the token's clock "
                    "at or after T0: e.g. -1800000000 for a clock reset to 1970 in 2027")
        ->type_name("SECONDS");
    cmd->add_option("--since", opts->since,
                    "When the token's clock was last right (default: --time)")
        ->type_name("T");
    add_time_option(*cmd, opts->time, "Real time of the first press (default now)");
    cmd->add_option("--presses", opts->presses, "Presses, one period apart (default 1)")
        ->type_name("N");
    cmd->add_flag("--enroll", opts->enroll,
                  "Print the serial and two consecutive codes as typed into an enrollment form");
    cmd->add_flag("--new", opts->create_new,
                  "Create a token with a random 20-byte seed; prints its otpauth URI (a secret)");
    cmd->add_option("--hid-socket", opts->hid_socket,
                    "Serve a simulated YubiKey (KEY in slot 2) on a new Unix socket at PATH until "
                    "killed (only a stale socket there is replaced)")
        ->type_name("PATH");
    cmd->add_flag("--touch", opts->touch, "--hid-socket: slot 2 waits for a touch");
    cmd->add_option("--touch-after", opts->touch_after,
                    "--hid-socket --touch: the simulated touch comes after MS ms (default 1000) "
                    "or never")
        ->type_name("MS|never");
    cmd->footer(
        "Examples:\n"
        "  hwtotp simulate --serial GAKT00000001 --secret-file seed.txt --drift-ppm 40 "
        "--since 2025-01-01 --enroll\n"
        "  hwtotp simulate --new --serial GAKT00000001\n"
        "  hwtotp simulate --hid-socket /tmp/yk.sock --secret-file seed.txt");
    cmd->callback([opts, &ctx] { finish(ctx, run_simulate(*opts, ctx)); });
}

}  // namespace hwtotp::cli
