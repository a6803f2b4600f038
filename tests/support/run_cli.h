#pragma once
// Runs the real hwtotp binary as a child process: argv, optional stdin and environment in;
// exit code, stdout and stderr out. End-to-end tests use nothing else.

#include <chrono>
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
};

struct CliOptions {
    std::string stdin_text;
    std::map<std::string, std::string> env;  // added to (or overriding) the test's environment
    std::string binary;                      // default: the built hwtotp
    // Every run's stdout and stderr go to the leak log that the seed_leak_check test greps for
    // test seeds. Only a test where the user explicitly asks for a seed (tokens show
    // --reveal-seed, simulate --new) turns this off, for that one call.
    bool log_output = true;
    // SIGKILL the child this long after starting it (crash tests); exit_code is then 128 + 9
    // unless it finished first.
    std::optional<std::chrono::microseconds> kill_after;
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

// Runs the sqlite3 shell (Debian package sqlite3) on `db` with `sql`: stdout and stderr, trimmed.
std::string sqlite_shell(const std::string& db, const std::string& sql);

}  // namespace hwtotp::test
