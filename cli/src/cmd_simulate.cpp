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

constexpr std::uint64_t max_presses = 10000;
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

Result<int> run_new(const SimulateOptions& o, Context& ctx) {
    if (has_key_source(o.key)) {
        return fail(ErrorCode::invalid_input,
                    "--new creates a random seed: give no --secret/--hex/--uri/--secret-file");
    }
    auto hash = parse_hash(o.key.algorithm.empty() ? "sha1" : o.key.algorithm);
    if (!hash)
        return fail(hash.error().code, "--algorithm: " + hash.error().message);
    auto digits = parse_integer(o.key.digits.empty() ? "6" : o.key.digits, "--digits", 6, 8);
    if (!digits)
        return tl::unexpected(digits.error());
    auto period = parse_integer(o.key.period.empty() ? "30" : o.key.period, "--period", 1, 86400);
    if (!period)
        return tl::unexpected(period.error());
    auto params = Params::create(*hash, static_cast<int>(*digits), *period, 0);
    if (!params)
        return tl::unexpected(params.error());
    auto seed = device::random_seed(20);
    if (!seed)
        return tl::unexpected(seed.error());

    KeyUri uri;
    uri.issuer = "hwtotp";
    uri.account = o.serial;
    uri.secret = std::move(*seed);
    uri.params = *params;
    std::string text = format_otpauth_uri(uri);
    warn(ctx, "the output contains the new token's seed: store it like a password");
    if (ctx.json) {
        nlohmann::json result = params_json(*params);
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
        auto serial = parse_unsigned(o.serial, "--serial (a YubiKey serial)", 0xFFFFFFFFULL);
        if (!serial)
            return tl::unexpected(serial.error());
        request.serial = static_cast<std::uint32_t>(*serial);
    }
    if (o.touch_after == "never") {
        request.touch_after_ms = std::nullopt;
    } else {
        auto ms = parse_integer(o.touch_after, "--touch-after", 0, 3'600'000);
        if (!ms)
            return tl::unexpected(ms.error());
        request.touch_after_ms = *ms;
    }
    auto key = resolve_key(o.key, ctx);
    if (!key)
        return tl::unexpected(key.error());
    if (key->params.hash() != Hash::sha1) {
        return fail(ErrorCode::invalid_input,
                    "--hid-socket: a YubiKey slot computes HMAC-SHA1 only; use --algorithm sha1");
    }
    return serve_simulated_key(request, std::move(key->secret), ctx);
}

Result<int> run_display(const SimulateOptions& o, Context& ctx) {
    if (o.serial.empty()) {
        return fail(ErrorCode::invalid_input,
                    "--serial is required (the serial printed on the token, e.g. GAKT12345678)");
    }
    auto presses = parse_unsigned(o.presses, "--presses", max_presses);
    if (!presses)
        return tl::unexpected(presses.error());
    if (*presses == 0) {
        return fail(ErrorCode::invalid_input, "--presses 0 is not accepted (accepted: 1 to 10000)");
    }
    auto ppm = parse_ppm(o.drift_ppm);
    if (!ppm)
        return tl::unexpected(ppm.error());
    auto offset = parse_integer(o.offset, "--offset", -1'000'000'000, 1'000'000'000);
    if (!offset)
        return tl::unexpected(offset.error());
    auto time = resolve_time(o.time, ctx);
    if (!time)
        return tl::unexpected(time.error());
    std::int64_t since = *time;
    if (!o.since.empty()) {
        auto parsed = parse_time(o.since);
        if (!parsed)
            return fail(parsed.error().code, "--since: " + parsed.error().message);
        since = *parsed;
    }
    auto key = resolve_key(o.key, ctx);
    if (!key)
        return tl::unexpected(key.error());
    if (key->type != OtpType::totp) {
        return fail(ErrorCode::invalid_input, "simulate shows TOTP tokens; drop --hotp");
    }
    const Params params = key->params;
    auto token = device::SimulatedToken::create(
        o.serial, key->secret, params, device::DriftModel::starting_at(since, *ppm, *offset));
    if (!token)
        return tl::unexpected(token.error());

    nlohmann::json result = params_json(params);
    result["serial"] = o.serial;
    result["drift_ppm"] = *ppm;
    result["offset_seconds"] = *offset;
    result["since"] = since;
    result["time"] = *time;

    if (o.enroll) {
        // A person presses at T, types the code, waits for the display to change, and types
        // the next one: the token's steps s and s + 1.
        auto step = token->token_step(*time);
        if (!step)
            return tl::unexpected(step.error());
        const Code code1 = token->code_for_step(*step);
        const Code code2 = token->code_for_step(*step + 1);
        const std::int64_t wait = step_start(params, *step + 1) - token->token_time(*time);
        if (ctx.json) {
            result["token_time"] = token->token_time(*time);
            result["token_step"] = *step;
            result["code1"] = code1.str();
            result["code2"] = code2.str();
            result["seconds_until_code2"] = wait;
            print_json(ctx, result);
        } else {
            ctx.out << "Serial number: " << o.serial << '\n'
                    << "MFA code 1: " << code1.digits() << '\n'
                    << "MFA code 2: " << code2.digits() << '\n';
        }
        return exit_ok;
    }

    nlohmann::json shown = nlohmann::json::array();
    for (std::uint64_t i = 0; i < *presses; ++i) {
        const std::int64_t at = *time + static_cast<std::int64_t>(i) * params.period();
        auto code = token->press(at);
        if (!code)
            return tl::unexpected(code.error());
        if (ctx.json) {
            shown.push_back({{"time", at},
                             {"time_iso", format_time(at)},
                             {"token_time", token->token_time(at)},
                             {"token_step", *token->token_step(at)},
                             {"code", code->str()}});
        } else {
            ctx.out << code->digits() << '\n';
        }
    }
    if (ctx.json) {
        result["presses"] = std::move(shown);
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
    cmd->add_option("--offset", opts->offset, "Extra clock offset in seconds (default 0)")
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
                    "Serve a simulated YubiKey (KEY in slot 2) on this Unix socket until killed")
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
