#include "time_option.h"

#include "hwtotp/totp/time_text.h"

namespace hwtotp::cli {

void add_time_option(CLI::App& command, std::string& time_text, const std::string& help) {
    command.add_option("--time", time_text, help)->type_name("T");
}

Result<std::int64_t> resolve_time(const std::string& time_text, const Context& ctx) {
    if (time_text.empty() || time_text == "now") {
        return ctx.now();
    }
    auto parsed = parse_time(time_text);
    if (!parsed) {
        return fail(parsed.error().code, "--time: " + parsed.error().message);
    }
    return *parsed;
}

}  // namespace hwtotp::cli
