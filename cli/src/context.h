#pragma once
// What every subcommand is handed: its streams, the clock, and global options.
//
// Nothing in the CLI reads std::cout, std::cin or the system clock directly: run() receives the
// streams and main() the real clock, so the whole CLI runs in-process in tests.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include "hwtotp/totp/error.h"

namespace hwtotp::cli {

// The real sleeper (std::this_thread::sleep_for).
void sleep_for_milliseconds(std::int64_t milliseconds);

// Documented exit codes (README "Exit codes"). Plain int constants, not an enum: an exit code
// is an int everywhere it goes (Result<int>, Context::exit_code, main's return), and an unscoped
// enum would only add silent conversions and names in the enclosing namespace.
inline constexpr int exit_ok = 0;        // success / valid / ready / pass
inline constexpr int exit_negative = 1;  // a negative answer: no match, not ready, audit failed
inline constexpr int exit_usage = 2;     // bad input or usage
inline constexpr int exit_device = 3;    // device error
inline constexpr int exit_registry = 4;  // registry error
inline constexpr int exit_locked = 5;    // locked out or replay refused

struct Context {
    std::ostream& out;
    std::ostream& err;
    std::istream& in;
    std::function<std::int64_t()> now;  // Unix seconds of the real clock
    // Waits about `milliseconds` (enroll's countdown). Injected so that tests can advance a fake
    // clock instead of sleeping; the default really sleeps.
    std::function<void(std::int64_t milliseconds)> sleep_ms = sleep_for_milliseconds;
    bool stdin_is_terminal = false;
    bool stderr_is_terminal = false;

    // Global options (accepted before or after the subcommand name).
    bool json = false;
    std::string db_path;  // --db; empty: $HWTOTP_DB, then $XDG_DATA_HOME/hwtotp/tokens.db

    // Set by the subcommand that ran.
    int exit_code = exit_ok;
};

// The check of --db: an empty path is refused rather than read as "not given" (which would
// silently use $HWTOTP_DB or the default registry). Returns the error, or "" when accepted.
[[nodiscard]] std::string non_empty_registry_path(const std::string& path);

// The exit code for an error category.
[[nodiscard]] int exit_code_for(ErrorCode code);

// Prints "hwtotp: error: <message>" to ctx.err and returns the matching exit code.
int report_error(Context& ctx, const Error& error);

// Runs a subcommand body and records its outcome: an int is the exit code; an Error is reported.
void finish(Context& ctx, const Result<int>& outcome);

// Prints "hwtotp: warning: <message>" to ctx.err.
void warn(Context& ctx, const std::string& message);

}  // namespace hwtotp::cli
