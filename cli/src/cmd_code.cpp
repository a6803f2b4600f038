// hwtotp code: the code(s) a token shows at a time (TOTP) or counter (HOTP).
#include <memory>
#include <ostream>

#include "commands.h"
#include "hwtotp/totp/otp_key.h"
#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/time_text.h"
#include "json_output.h"
#include "key_options.h"
#include "number_option.h"
#include "time_option.h"

namespace hwtotp::cli {
namespace {

struct CodeOptions {
    KeyOptions key;
    std::string time;
    std::string count = "1";
};

constexpr std::uint64_t max_count = 100000;

Result<int> run_code(const CodeOptions& o, Context& ctx) {
    auto count = parse_unsigned(o.count, "--count", max_count);
    if (!count)
        return tl::unexpected(count.error());
    if (*count == 0)
        return fail(ErrorCode::invalid_input, "--count 0 is not accepted (accepted: 1 to 100000)");
    auto key = resolve_key(o.key, ctx);
    if (!key)
        return tl::unexpected(key.error());
    auto otp = OtpKey::create(key->secret, key->params.hash());
    if (!otp)
        return tl::unexpected(otp.error());
    const int digits = key->params.digits();

    nlohmann::json codes = nlohmann::json::array();
    nlohmann::json result = params_json(key->params);
    if (key->type == OtpType::hotp) {
        result["type"] = "hotp";
        result["counter"] = key->counter;
        for (std::uint64_t i = 0; i < *count; ++i) {
            const std::uint64_t counter = step_add(key->counter, static_cast<std::int64_t>(i));
            const Code code = otp->code(counter, digits);
            if (ctx.json) {
                codes.push_back({{"counter", counter}, {"code", code.str()}});
            } else {
                ctx.out << code.digits() << '\n';
            }
        }
    } else {
        auto time = resolve_time(o.time, ctx);
        if (!time)
            return tl::unexpected(time.error());
        auto step = step_at(key->params, *time);
        if (!step)
            return fail(step.error().code, "--time: " + step.error().message);
        result["type"] = "totp";
        result["time"] = *time;
        result["time_iso"] = format_time(*time);
        result["step"] = *step;
        result["seconds_left"] = seconds_left_in_step(key->params, *time);
        for (std::uint64_t i = 0; i < *count; ++i) {
            const std::uint64_t s = step_add(*step, static_cast<std::int64_t>(i));
            const Code code = otp->code(s, digits);
            if (ctx.json) {
                codes.push_back({{"step", s},
                                 {"code", code.str()},
                                 {"valid_from", format_time(step_start(key->params, s))}});
            } else {
                ctx.out << code.digits() << '\n';
            }
        }
    }
    if (ctx.json) {
        result["codes"] = std::move(codes);
        print_json(ctx, result);
    }
    return exit_ok;
}

}  // namespace

void add_code_command(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<CodeOptions>();
    auto* cmd =
        app.add_subcommand("code", "Print the code a token shows at a time (or HOTP counter)");
    add_key_options(*cmd, opts->key);
    add_time_option(*cmd, opts->time);
    cmd->add_option("--count", opts->count, "How many consecutive codes to print (default 1)")
        ->type_name("N");
    cmd->footer(
        "Example:\n  hwtotp code --hex 3132333435363738393031323334353637383930 --digits 8 "
        "--time 59   # RFC 6238: 94287082");
    cmd->callback([opts, &ctx] { finish(ctx, run_code(*opts, ctx)); });
}

}  // namespace hwtotp::cli
