// Linked into every test executable (tests/CMakeLists.txt): before main() runs, the registry
// variables of the test process itself point into a scratch directory, removed at exit.
//
// run_cli gives each child run its own directory; this covers what does not go through run_cli:
// in-process CLI runs (cli::run reads the process environment), programs a test starts itself
// with `environ` (the simulated HID device), and library calls that resolve the default
// registry location. A developer's exported HWTOTP_DB or HWTOTP_KEY_FILE never reaches a test.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace {

class ProcessSandbox {
  public:
    ProcessSandbox() : owner_(::getpid()) {
        const char* base = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): before main
        std::string templ = std::string(base != nullptr ? base : "/tmp") + "/hwtotp-process-XXXXXX";
        if (::mkdtemp(templ.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed for the test process's sandbox");
        path_ = templ;
        std::filesystem::create_directories(path_ + "/home");
        std::filesystem::create_directories(path_ + "/data");
        // NOLINTBEGIN(concurrency-mt-unsafe): before main, no other thread exists
        ::setenv("HOME", (path_ + "/home").c_str(), 1);
        ::setenv("XDG_DATA_HOME", (path_ + "/data").c_str(), 1);
        ::setenv("HWTOTP_DB", (path_ + "/data/hwtotp/tokens.db").c_str(), 1);
        ::unsetenv("HWTOTP_KEY_FILE");  // beside the database above
        // NOLINTEND(concurrency-mt-unsafe)
    }
    ProcessSandbox(const ProcessSandbox&) = delete;
    ProcessSandbox& operator=(const ProcessSandbox&) = delete;
    ~ProcessSandbox() {
        if (::getpid() != owner_)
            return;  // a forked child that returned instead of calling _exit
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }

  private:
    pid_t owner_;
    std::string path_;
};

const ProcessSandbox sandbox;

}  // namespace
