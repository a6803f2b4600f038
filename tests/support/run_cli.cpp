#include "run_cli.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <stdexcept>

extern char** environ;

namespace hwtotp::test {
namespace {

struct Pipe {
    std::array<int, 2> fd{-1, -1};
    Pipe() {
        if (pipe2(fd.data(), O_CLOEXEC) != 0)
            throw std::runtime_error("pipe2 failed");
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    ~Pipe() {
        for (int f : fd)
            if (f >= 0)
                close(f);
    }
    void close_end(int i) {
        if (fd[static_cast<std::size_t>(i)] >= 0)
            close(fd[static_cast<std::size_t>(i)]);
        fd[static_cast<std::size_t>(i)] = -1;
    }
};

// Appends one record to <log dir>/<test>.<pid>.log with a single O_APPEND write, so forked
// children of one test never interleave. The checker greps the OUT/ERR parts, not the command
// line (which holds seeds on purpose: --hex, --secret).
void log_run(const std::vector<std::string>& args, const CliResult& result) {
    std::string test = "no-test";
    if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info())
        test = std::string(info->test_suite_name()) + "." + info->name();
    for (char& c : test)
        if (c == '/')
            c = '_';
    std::error_code ec;
    std::filesystem::create_directories(cli_log_dir(), ec);
    const std::string path = cli_log_dir() + "/" + test + "." + std::to_string(getpid()) + ".log";
    std::string record = "@@CMD " + test + ": hwtotp";
    for (const auto& a : args)
        record += " " + a;
    record += "\n@@OUT\n" + result.out + "\n@@ERR\n" + result.err + "\n@@END\n";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error("cannot write the leak log " + path);
    const auto n = ::write(fd, record.data(), record.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(record.size()))
        throw std::runtime_error("short write to the leak log " + path);
}

using Clock = std::chrono::steady_clock;

// Kills a crash test's child as CliOptions asks: at kill_after, or the first time the probe
// says yes when looked at every probe_every. With a probe, the child is stopped (SIGSTOP) and
// looked at before the SIGKILL, so that the answer describes the moment of the kill.
class Killer {
  public:
    Killer(pid_t pid, const CliOptions& options, Clock::time_point started)
        : pid_(pid), options_(options) {
        if (options.probe_every)
            schedule(started + *options.probe_every);
        else if (options.kill_after)
            schedule(started + *options.kill_after);
    }

    // Time until act() is due (<= 0: now); nullopt when nothing is due any more.
    [[nodiscard]] std::optional<std::chrono::microseconds> wait() const {
        if (!due_)
            return std::nullopt;
        return std::chrono::ceil<std::chrono::microseconds>(next_ - Clock::now());
    }

    void act(CliResult& result) {
        due_ = false;
        if (!options_.probe) {
            ::kill(pid_, SIGKILL);  // not reaped yet, so the pid is still the child's
            return;
        }
        ::kill(pid_, SIGSTOP);
        int status = 0;
        pid_t waited = 0;
        while ((waited = waitpid(pid_, &status, WUNTRACED)) < 0 && errno == EINTR) {
        }
        if (waited == pid_ && !WIFSTOPPED(status)) {
            reaped_ = status;  // it ended before the stop: nothing left to kill
            return;
        }
        const bool held = options_.probe(pid_);
        if (options_.probe_every && !held) {
            ::kill(pid_, SIGCONT);
            schedule(Clock::now() + *options_.probe_every);
            return;
        }
        result.probe_held = held;
        ::kill(pid_, SIGKILL);  // a stopped process dies all the same
    }

    // The child's wait status when act() found that it had already ended (and reaped it).
    [[nodiscard]] std::optional<int> reaped() const { return reaped_; }

  private:
    void schedule(Clock::time_point when) {
        next_ = when;
        due_ = true;
    }

    pid_t pid_;
    const CliOptions& options_;
    Clock::time_point next_{};
    bool due_ = false;
    std::optional<int> reaped_;
};

std::map<std::string, std::string> process_environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry(*e);
        const auto eq = entry.find('=');
        if (eq != std::string::npos)
            env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    return env;
}

std::string make_directory(const std::string& path) {
    std::filesystem::create_directories(path);
    return path;
}

}  // namespace

CliSandbox::CliSandbox(const std::map<std::string, std::string>& env) {
    std::map<std::string, std::string> result = process_environment();
    for (const char* name : registry_variables)
        result.erase(name);
    const auto given = [&](const char* name) { return env.contains(name); };
    if (!given("HOME"))
        result["HOME"] = make_directory(dir_.file("home"));
    if (!given("XDG_DATA_HOME") && !given("HOME"))
        result["XDG_DATA_HOME"] = make_directory(dir_.file("data"));
    if (!given("HWTOTP_DB") && !given("XDG_DATA_HOME") && !given("HOME"))
        result["HWTOTP_DB"] = dir_.file("data/hwtotp/tokens.db");
    for (const auto& [name, value] : env)
        result[name] = value;
    for (const auto& [name, value] : result)
        environment_.push_back(name + "=" + value);
}

std::string cli_log_dir() {
    return HWTOTP_CLI_LOG_DIR;
}

std::string hwtotp_binary() {
    return HWTOTP_BINARY;
}

CliResult run_cli(const std::vector<std::string>& args, const CliOptions& options) {
    const std::string binary = options.binary.empty() ? hwtotp_binary() : options.binary;
    std::vector<std::string> argv_storage{binary};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    const CliSandbox sandbox(options.env);  // removed when the run is over
    std::vector<std::string> env_storage = sandbox.environment();
    std::vector<char*> envp;
    for (auto& e : env_storage)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    Pipe in, out, err;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        throw std::runtime_error("cannot start " + binary + ": " + std::strerror(rc));
    in.close_end(0);
    out.close_end(1);
    err.close_end(1);

    // Feed stdin and drain both outputs together so that no pipe fills and blocks the child.
    CliResult result;
    const auto started = Clock::now();  // kill_after and elapsed count from here
    Killer killer(pid, options, started);
    std::size_t written = 0;
    if (options.stdin_text.empty())
        in.close_end(1);
    std::array<char, 4096> buffer{};
    for (;;) {
        std::vector<pollfd> fds;
        if (out.fd[0] >= 0)
            fds.push_back({out.fd[0], POLLIN, 0});
        if (err.fd[0] >= 0)
            fds.push_back({err.fd[0], POLLIN, 0});
        if (in.fd[1] >= 0)
            fds.push_back({in.fd[1], POLLOUT, 0});
        if (fds.empty())
            break;
        timespec timeout{};
        const auto wait = killer.wait();
        if (wait && wait->count() <= 0) {
            killer.act(result);
            continue;
        }
        if (wait) {
            timeout.tv_sec = static_cast<time_t>(wait->count() / 1'000'000);
            timeout.tv_nsec = static_cast<long>(wait->count() % 1'000'000 * 1000);
        }
        if (ppoll(fds.data(), fds.size(), wait ? &timeout : nullptr, nullptr) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (auto& p : fds) {
            if (p.revents == 0)
                continue;
            if (p.fd == in.fd[1]) {
                const auto n = write(p.fd, options.stdin_text.data() + written,
                                     options.stdin_text.size() - written);
                if (n <= 0 ||
                    (written += static_cast<std::size_t>(n)) == options.stdin_text.size()) {
                    in.close_end(1);
                }
                continue;
            }
            const auto n = read(p.fd, buffer.data(), buffer.size());
            if (n <= 0) {
                if (p.fd == out.fd[0])
                    out.close_end(0);
                else
                    err.close_end(0);
                continue;
            }
            (p.fd == out.fd[0] ? result.out : result.err)
                .append(buffer.data(), static_cast<std::size_t>(n));
        }
    }
    int status = 0;
    if (const auto reaped = killer.reaped()) {
        status = *reaped;
    } else {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    result.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (options.log_output)
        log_run(args, result);
    return result;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        result.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return result;
}

TempDir::TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base != nullptr ? base : "/tmp") + "/hwtotp-test-XXXXXX";
    if (mkdtemp(templ.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    path_ = templ;
}

TempDir::~TempDir() {
    // A test may have made the directory read-only (registry errors): give it back first.
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
}

std::string sqlite_shell(const std::string& db, const std::string& sql) {
    const std::string command = "sqlite3 -batch '" + db + "' \"" + sql + "\" 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        return "popen failed";
    std::string out;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        out.append(buffer.data(), n);
    ::pclose(pipe);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    return out;
}

}  // namespace hwtotp::test
