#pragma once
// Runs the real hwtotp binary as a child process: argv, optional stdin and environment in;
// exit code, stdout and stderr out. End-to-end tests use nothing else.

#include <map>
#include <string>
#include <vector>

namespace hwtotp::test {

struct CliResult {
    int exit_code = -1;  // 128 + signal number when killed by a signal
    std::string out;
    std::string err;
};

struct CliOptions {
    std::string stdin_text;
    std::map<std::string, std::string> env;  // added to (or overriding) the test's environment
    std::string binary;                      // default: the built hwtotp
};

CliResult run_cli(const std::vector<std::string>& args, const CliOptions& options = {});

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

}  // namespace hwtotp::test
