// hwtotp code: the code(s) a token shows at a time (TOTP) or counter (HOTP).
#include <limits>
#include <memory>
#include <ostream>
#include <string>

#include "commands.h"
#include "hwtotp/totp/limits.h"
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

// The codes are for `first`, first + 1, ...: a count that runs past the last counter (or step)
// is refused rather than printing the last one again (step_add stops at the end of the range).
Result<void> count_fits(std::uint64_t first, std::uint64_t count, std::uint64_t last,
                        const std::string& what, const std::string& from) {
    const std::uint64_t room = last - first;  // after first; first <= last
    if (count - 1 <= room)
        return {};
    return fail(ErrorCode::invalid_input,
                "--count " + std::to_string(count) + " runs past the last " + what + " (" +
                    std::to_string(last) + "): from " + from + " on there are " +
                    std::to_string(room + 1) + " codes (accepted: --count 1 to " +
                    std::to_string(room + 1) + ")");
}

Result<int> run_code(const CodeOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(const std::uint64_t count,
                            parse_unsigned(o.count, "--count", 1, max_count));
    HWTOTP_ASSIGN_OR_RETURN(const auto key, resolve_key(o.key, ctx));
    HWTOTP_ASSIGN_OR_RETURN(const auto otp, OtpKey::create(key.secret, key.params.hash()));
    const int digits = key.params.digits();

    nlohmann::json codes = nlohmann::json::array();
    nlohmann::json result = params_json(key.params);
    if (key.type == OtpType::hotp) {
        HWTOTP_TRY(count_fits(key.counter, count, limits::max_counter, "HOTP counter",
                              "--counter " + std::to_string(key.counter)));
        result["type"] = "hotp";
        result["counter"] = key.counter;
        for (std::uint64_t i = 0; i < count; ++i) {
            const std::uint64_t counter = key.counter + i;
            const Code code = otp.code(counter, digits);
            if (ctx.json) {
                codes.push_back({{"counter", counter}, {"code", code.str()}});
            } else {
                ctx.out << code.digits() << '\n';
            }
        }
    } else {
        HWTOTP_ASSIGN_OR_RETURN(const std::int64_t time, resolve_time(o.time, ctx));
        auto step = step_at(key.params, time);
        if (!step)
            return fail(step.error().code, "--time: " + step.error().message);
        HWTOTP_TRY(count_fits(*step, count, std::numeric_limits<std::uint64_t>::max(), "time step",
                              "step " + std::to_string(*step)));
        result["type"] = "totp";
        result["time"] = time;
        result["time_iso"] = format_time(time);
        result["step"] = *step;
        result["seconds_left"] = seconds_left_in_step(key.params, time);
        for (std::uint64_t i = 0; i < count; ++i) {
            const std::uint64_t s = *step + i;
            const Code code = otp.code(s, digits);
            if (ctx.json) {
                codes.push_back({{"step", s},
                                 {"code", code.str()},
                                 {"valid_from", format_time(step_start(key.params, s))}});
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
