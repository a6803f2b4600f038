#pragma once
// Runs the real hwtotp binary as a child process: argv, optional stdin and environment in;
// exit code, stdout and stderr out. End-to-end tests use nothing else.
//
// No run can reach the real user's registry: each run gets a scratch directory of its own (see
// CliSandbox), and the test process itself starts with its registry variables pointed into a
// scratch directory (process_sandbox.cpp), for in-process runs and programs a test starts
// itself.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hwtotp::test {

struct CliResult {
    int exit_code = -1;  // 128 + signal number when killed by a signal
    std::string out;
    std::string err;
    // From starting the child to reaping it: its life, without the test's own bookkeeping.
    std::chrono::microseconds elapsed{0};
    // CliOptions::probe's answer when the kill was sent (false when there was no kill).
    bool probe_held = false;
};

struct CliOptions {
    std::string stdin_text;
    // Added to (or overriding) the test's environment. HOME, XDG_DATA_HOME, HWTOTP_DB and
    // HWTOTP_KEY_FILE set here are kept as given (an empty value reads as unset to hwtotp); the
    // ones not set here point into the run's own scratch directory (CliSandbox).
    std::map<std::string, std::string> env;
    std::string binary;  // default: the built hwtotp
    // Every run's stdout and stderr go to the leak log that the seed_leak_check test greps for
    // test seeds. Only a test where the user explicitly asks for a seed (tokens show
    // --reveal-seed, simulate --new) turns this off, for that one call.
    bool log_output = true;
    // SIGKILL the child this long after starting it (crash tests); exit_code is then 128 + 9
    // unless it finished first.
    std::optional<std::chrono::microseconds> kill_after;
    // Crash tests: looks at the child while it is stopped (SIGSTOP) just before the SIGKILL, to
    // tell what the kill interrupted (e.g. whether the child holds a database's write lock).
    // Its answer is CliResult::probe_held.
    std::function<bool(pid_t)> probe;
    // Instead of kill_after: stop the child after every `probe_every` of running, look at it
    // with `probe`, and kill it the first time the probe says yes (or let it finish).
    std::optional<std::chrono::microseconds> probe_every;
};

CliResult run_cli(const std::vector<std::string>& args, const CliOptions& options = {});

// The directory of the leak log (one file per test process), from the build.
std::string cli_log_dir();

// The path of the built hwtotp binary.
std::string hwtotp_binary();

// Lines of `text`, without their newlines.
std::vector<std::string> lines(const std::string& text);

// A fresh empty directory under $TMPDIR, removed when the object dies.
class TempDir {
  public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

// The variables that decide where hwtotp's registry lives (store/src/paths.cpp).
inline constexpr const char* registry_variables[] = {"HOME", "XDG_DATA_HOME", "HWTOTP_DB",
                                                     "HWTOTP_KEY_FILE"};

// A scratch directory for one hwtotp run and the environment that keeps the run inside it:
// the test process's environment with `env` applied, where the registry variables the test did
// not set are replaced (never inherited, so a developer's exported HWTOTP_DB cannot leak in):
//   HOME            <dir>/home, unless given
//   XDG_DATA_HOME   <dir>/data, unless given or HOME is given (then HOME decides)
//   HWTOTP_DB       <dir>/data/hwtotp/tokens.db, unless given or HOME or XDG_DATA_HOME is given
//   HWTOTP_KEY_FILE unset unless given: the key is then tokens.key beside the database, which
//                   is either in <dir> or where the test put it (HWTOTP_DB, --db).
// run_cli uses one per run; tests that start hwtotp themselves (forkpty) use it directly.
class CliSandbox {
  public:
    explicit CliSandbox(const std::map<std::string, std::string>& env = {});
    [[nodiscard]] const std::string& path() const { return dir_.path(); }
    // NAME=VALUE entries, for execve or posix_spawn.
    [[nodiscard]] const std::vector<std::string>& environment() const { return environment_; }

  private:
    TempDir dir_;
    std::vector<std::string> environment_;
};

// Runs the sqlite3 shell (Debian package sqlite3) on `db` with `sql`: stdout and stderr, trimmed.
std::string sqlite_shell(const std::string& db, const std::string& sql);

}  // namespace hwtotp::test
