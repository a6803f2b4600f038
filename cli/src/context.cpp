#include "context.h"

#include <chrono>
#include <ostream>
#include <string_view>
#include <thread>

#include "hwtotp/store/hints.h"
#include "hwtotp/totp/terminal_text.h"

namespace hwtotp::cli {

void sleep_for_milliseconds(std::int64_t milliseconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
}

std::string non_empty_registry_path(const std::string& path) {
    if (!path.empty())
        return {};
    return "an empty path is not accepted (accepted: the registry file's path; leave --db out "
           "to use $HWTOTP_DB or the default)";
}

int exit_code_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::device:
            return exit_device;
        case ErrorCode::registry:
            return exit_registry;
        case ErrorCode::locked:
        case ErrorCode::replay:
            return exit_locked;
        case ErrorCode::invalid_input:
        case ErrorCode::not_found:
        case ErrorCode::io:
        case ErrorCode::crypto:
        case ErrorCode::internal:
            return exit_usage;
    }
    return exit_usage;
}

namespace {

// The store's advice (store/hints.h) in the CLI's words: the option or command that does it.
struct HintWording {
    std::string_view store;
    std::string_view cli;
};
constexpr HintWording hint_wordings[] = {
    {store::hint::list_tokens, "see: hwtotp tokens list"},
    {store::hint::allow_replace, "use --replace"},
    {store::hint::give_pskc_password, "pass --password-file PATH"},
    {store::hint::give_pskc_key, "pass --key-file PATH"},
    {store::hint::pskc_secret_given, "--key, --key-file or --password-file was given"},
    {store::hint::name_registry, "pass --db PATH"},
    {store::hint::check_registry_path, "is --db pointing at the right file?"},
};

// A store message ends in its advice, after any file name or serial the message quotes: the
// last occurrence is the library's own phrase.
std::string in_cli_words(std::string message) {
    for (const auto& wording : hint_wordings) {
        if (const auto at = message.rfind(wording.store); at != std::string::npos)
            message.replace(at, wording.store.size(), wording.cli);
    }
    return message;
}

}  // namespace

int report_error(Context& ctx, const Error& error) {
    // One line, whatever the message holds (a serial, a file's text): a multi-line error breaks
    // scripts that read stderr, and a control sequence from a file must not reach the terminal.
    ctx.err << "hwtotp: error: " << escape_for_terminal(in_cli_words(error.message));
    if (error.code == ErrorCode::internal) {
        ctx.err << " (this is a bug in hwtotp; please report it)";
    }
    ctx.err << '\n';
    return exit_code_for(error.code);
}

void finish(Context& ctx, const Result<int>& outcome) {
    ctx.exit_code = outcome ? *outcome : report_error(ctx, outcome.error());
}

void warn(Context& ctx, const std::string& message) {
    ctx.err << "hwtotp: warning: " << escape_for_terminal(message) << '\n';
}

}  // namespace hwtotp::cli
