#include "module_args.h"

#include <charconv>

#include "hwtotp/store/paths.h"

namespace hwtotp::pam {
namespace {

// The largest window a login may use: a 6-digit code matches by chance with odds of about
// (2w+1)/10^6, so anything near this bound is refused by the registry verifier anyway.
constexpr std::uint64_t max_window = 1000;

Result<std::uint64_t> parse_window(std::string_view text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value > max_window) {
        return fail(ErrorCode::invalid_input, "window=" + std::string(text) +
                                                  " is not accepted (accepted: a whole number "
                                                  "of steps from 0 to " +
                                                  std::to_string(max_window) + ")");
    }
    return value;
}

Result<std::string> parse_path(std::string_view name, std::string_view value) {
    // Relative paths would depend on the host process's working directory.
    if (value.empty() || value.front() != '/') {
        return fail(
            ErrorCode::invalid_input,
            std::string(name) + "= must be an absolute path (got '" + std::string(value) + "')");
    }
    return std::string(value);
}

}  // namespace

Result<ModuleArgs> parse_module_args(std::span<const char* const> args) {
    ModuleArgs parsed;
    for (const char* raw : args) {
        const std::string_view arg = raw == nullptr ? std::string_view{} : std::string_view(raw);
        const auto eq = arg.find('=');
        const std::string_view name = arg.substr(0, eq);
        const std::string_view value =
            eq == std::string_view::npos ? std::string_view{} : arg.substr(eq + 1);
        const bool has_value = eq != std::string_view::npos;
        if (has_value && name == "db" && store::is_postgres_uri(value)) {
            parsed.db = std::string(value);  // a shared registry; the store checks the URI
        } else if (has_value && name == "db") {
            HWTOTP_ASSIGN_OR_RETURN(parsed.db, parse_path(name, value));
        } else if (has_value && name == "key") {
            HWTOTP_ASSIGN_OR_RETURN(parsed.key, parse_path(name, value));
        } else if (has_value && name == "window") {
            HWTOTP_ASSIGN_OR_RETURN(parsed.window, parse_window(value));
        } else if (has_value && name == "prompt") {
            parsed.prompt = std::string(value);
        } else if (!has_value && name == "try_first_pass") {
            parsed.first_pass = FirstPass::try_first;
        } else if (!has_value && name == "use_first_pass") {
            parsed.first_pass = FirstPass::use_first;
        } else if (!has_value && name == "nullok") {
            parsed.nullok = true;
        } else if (!has_value && name == "debug") {
            parsed.debug = true;
        } else {
            return fail(
                ErrorCode::invalid_input,
                "unknown module argument '" + std::string(arg) +
                    "' (accepted: db=PATH or db=postgresql://URI, key=PATH, window=N, prompt=TEXT, "
                    "try_first_pass, use_first_pass, nullok, debug)");
        }
    }
    return parsed;
}

}  // namespace hwtotp::pam
