// simulate and device through the real binary: a `hwtotp simulate --hid-socket` child process
// serves a simulated YubiKey, and `hwtotp device …` talks to it over the socket.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "run_cli.h"

extern char** environ;

namespace hwtotp::test {
namespace {

const std::string rfc_hex = "3132333435363738393031323334353637383930";

// A non-blocking connection to the Unix socket at `path`, or -1 (with errno) when refused.
int connect_to(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const int error = errno;
        ::close(fd);
        errno = error;
        return -1;
    }
    return fd;
}

// A `hwtotp simulate --hid-socket` server for the length of a test. Waits (bounded) for the
// socket to appear; SIGTERM at the end, and SIGKILL if it does not stop within 5 s.
class SimulatedKeyProcess {
  public:
    SimulatedKeyProcess(const std::string& socket, std::vector<std::string> extra)
        : socket_(socket) {
        std::vector<std::string> args{hwtotp_binary(), "simulate", "--hid-socket",
                                      socket,          "--hex",    rfc_hex};
        args.insert(args.end(), extra.begin(), extra.end());
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        // Keep the server's chatter out of the test output.
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0)
            pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
    }

    // Polls (up to 10 s) until a server takes connections at the socket: a stale socket file
    // left there earlier does not count.
    [[nodiscard]] bool ready() const {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
            if (const int fd = connect_to(socket_); fd >= 0) {
                ::close(fd);
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }

    // SIGTERM, then the exit status (SIGKILL after 5 s: a test must never hang here).
    int stop() {
        if (pid_ <= 0)
            return -1;
        ::kill(pid_, SIGTERM);
        int status = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    // SIGKILL: the server gets no chance to remove its socket. True once it is reaped.
    bool kill_hard() {
        if (pid_ <= 0)
            return false;
        ::kill(pid_, SIGKILL);
        int status = 0;
        const bool reaped = ::waitpid(pid_, &status, 0) == pid_;
        pid_ = -1;
        return reaped;
    }

    ~SimulatedKeyProcess() { stop(); }
    SimulatedKeyProcess(const SimulatedKeyProcess&) = delete;
    SimulatedKeyProcess& operator=(const SimulatedKeyProcess&) = delete;

  private:
    std::string socket_;
    pid_t pid_ = -1;
};

// "MFA code 1: 123456" → "123456".
std::string value_after_colon(const std::string& line) {
    const auto colon = line.find(": ");
    return colon == std::string::npos ? line : line.substr(colon + 2);
}

class DeviceCli : public ::testing::Test {
  protected:
    std::string socket() const { return dir_.file("yk.sock"); }
    TempDir dir_;
};

TEST_F(DeviceCli, CodesOverTheSocketMatchTheCodeCommand) {
    SimulatedKeyProcess key(socket(), {});
    ASSERT_TRUE(key.ready());
    for (const std::string digits : {"6", "8"}) {
        const auto device = run_cli({"device", "codes", "--device", "unix:" + socket(), "--time",
                                     "59", "--slot", "2", "--digits", digits});
        ASSERT_EQ(device.exit_code, 0) << device.err;
        const auto shown = lines(device.out);
        ASSERT_EQ(shown.size(), 3U) << device.out;
        EXPECT_EQ(shown[0], "Serial number: 12345678");
        const auto expected = lines(
            run_cli({"code", "--hex", rfc_hex, "--time", "59", "--count", "2", "--digits", digits})
                .out);
        ASSERT_EQ(expected.size(), 2U);
        EXPECT_EQ(value_after_colon(shown[1]), expected[0]);
        EXPECT_EQ(value_after_colon(shown[2]), expected[1]);
    }
    // RFC 6238 at t = 59, 8 digits, independently of our own code command.
    const auto eight = run_cli(
        {"device", "codes", "--device", "unix:" + socket(), "--time", "59", "--digits", "8"});
    EXPECT_EQ(lines(eight.out).at(1), "MFA code 1: 94287082");
    EXPECT_EQ(key.stop(), 0);
    EXPECT_FALSE(std::filesystem::exists(socket()));  // removed on SIGTERM
}

TEST_F(DeviceCli, StepWithZeroLowByteAndJson) {
    SimulatedKeyProcess key(socket(), {"--serial", "7"});
    ASSERT_TRUE(key.ready());
    const auto r = run_cli({"device", "codes", "--device", "unix:" + socket(), "--time", "7680",
                            "--digits", "8", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["serial"], "7");
    EXPECT_EQ(j["code1"], "90620188");  // spec §2: ykman padding at step 256
    EXPECT_EQ(j["step"], 256);
}

TEST_F(DeviceCli, SerialOverTheSocket) {
    SimulatedKeyProcess key(socket(), {"--serial", "4294967295"});
    ASSERT_TRUE(key.ready());
    const auto r = run_cli({"device", "serial", "--device", "unix:" + socket()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "4294967295\n");
}

TEST_F(DeviceCli, EmptySlotIsADeviceError) {
    SimulatedKeyProcess key(socket(), {});
    ASSERT_TRUE(key.ready());
    const auto r =
        run_cli({"device", "codes", "--device", "unix:" + socket(), "--time", "59", "--slot", "1"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.out, "");
    ASSERT_EQ(lines(r.err).size(), 1U) << r.err;
    EXPECT_EQ(r.err.rfind("hwtotp: error: slot 1", 0), 0U) << r.err;
    EXPECT_NE(r.err.find("is empty"), std::string::npos);
}

TEST_F(DeviceCli, TouchIsPromptedAndWaitedFor) {
    SimulatedKeyProcess key(socket(), {"--touch", "--touch-after", "200"});
    ASSERT_TRUE(key.ready());
    const auto r = run_cli({"device", "codes", "--device", "unix:" + socket(), "--time", "59"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("touch your key (15 s left)"), std::string::npos) << r.err;
    EXPECT_EQ(lines(r.out).at(1), "MFA code 1: 287082");
}

// One GET over `fd` (the framing of docs/hid-socket.md): once it is answered, the server is
// busy with this connection for as long as it stays open.
bool exchange_one_get(int fd) {
    std::array<std::uint8_t, 9> message{0x01};
    if (::send(fd, message.data(), message.size(), MSG_NOSIGNAL) != 9)
        return false;
    std::size_t got = 0;
    while (got < message.size()) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0)
            return false;
        const ssize_t n = ::recv(fd, message.data() + got, message.size() - got, 0);
        if (n <= 0)
            return false;
        got += static_cast<std::size_t>(n);
    }
    return true;
}

// Issue 13: with the simulator busy and its listen queue full, `device codes` used to block in
// connect() until killed. Now it gives up after the documented 2 s with exit 3.
TEST_F(DeviceCli, FullListenQueueIsADeviceErrorWithinTheBound) {
    SimulatedKeyProcess key(socket(), {});
    ASSERT_TRUE(key.ready());
    std::vector<int> held;
    held.push_back(connect_to(socket()));
    ASSERT_GE(held.back(), 0);
    ASSERT_TRUE(exchange_one_get(held.back()));  // the server now serves this idle connection
    for (int fd = connect_to(socket()); fd >= 0; fd = connect_to(socket()))
        held.push_back(fd);  // until EAGAIN: the queue is full
    ASSERT_EQ(errno, EAGAIN);

    CliOptions bounded;
    bounded.kill_after = std::chrono::seconds(20);  // the old code hung here forever
    const auto r =
        run_cli({"device", "codes", "--device", "unix:" + socket(), "--time", "59"}, bounded);
    for (const int fd : held)
        ::close(fd);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(r.out, "");
    ASSERT_EQ(lines(r.err).size(), 1U) << r.err;
    EXPECT_EQ(r.err, "hwtotp: error: the simulated key at unix:" + socket() +
                         " did not take the connection within 2000 ms (its queue of waiting "
                         "clients is full: other clients keep it busy); retry when they are "
                         "done\n");
    EXPECT_LT(r.elapsed, std::chrono::seconds(10)) << "2 s bound plus start-up";
}

TEST_F(DeviceCli, NoServerIsADeviceError) {
    const auto r = run_cli({"device", "serial", "--device", "unix:" + socket()});
    EXPECT_EQ(r.exit_code, 3);
    ASSERT_EQ(lines(r.err).size(), 1U) << r.err;
    EXPECT_NE(r.err.find("hwtotp simulate --hid-socket"), std::string::npos) << r.err;
}

bool any_hidraw() {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/dev", ec)) {
        if (e.path().filename().string().rfind("hidraw", 0) == 0)
            return true;
    }
    return false;
}

// No key is an answer to "which keys are there?": an empty list and exit 0, with the reason on
// stderr. Commands that need a key still fail with exit 3.
TEST(DeviceList, NoTokensIsAnEmptyListWithTheReason) {
    if (any_hidraw())
        GTEST_SKIP() << "this machine has hidraw devices";
    const auto r = run_cli({"device", "list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("hwtotp: note: no HID token found", 0), 0U) << r.err;
    EXPECT_NE(r.err.find("/dev/hidraw"), std::string::npos);
    const auto json = run_cli({"device", "list", "--json"});
    EXPECT_EQ(json.exit_code, 0) << json.err;
    EXPECT_EQ(nlohmann::json::parse(json.out), nlohmann::json::parse(R"({"devices": []})"));
    const auto codes = run_cli({"device", "codes", "--time", "59"});
    EXPECT_EQ(codes.exit_code, 3);
    EXPECT_EQ(codes.err.rfind("hwtotp: error: no HID token found", 0), 0U) << codes.err;
    EXPECT_NE(codes.err.find("or use --device unix:PATH for a simulated key"), std::string::npos)
        << codes.err;
}

TEST(DeviceHelp, EverySubcommandShowsAnExample) {
    for (const std::string sub : {"list", "serial", "codes"}) {
        const auto r = run_cli({"device", sub, "--help"});
        EXPECT_EQ(r.exit_code, 0) << sub;
        EXPECT_NE(r.out.find("Example:\n  hwtotp device " + sub), std::string::npos) << sub << ":\n"
                                                                                     << r.out;
    }
}

// simulate --hid-socket PATH never destroys what it finds at PATH, except a stale socket.
class SimulateSocketPath : public ::testing::Test {
  protected:
    std::string socket() const { return dir_.file("yk.sock"); }
    // A refused simulator exits at once; one that wrongly starts serving is killed instead of
    // hanging the test.
    static CliOptions bounded() {
        CliOptions options;
        options.kill_after = std::chrono::seconds(10);
        return options;
    }
    TempDir dir_;
};

TEST_F(SimulateSocketPath, TheSeedFileIsRefusedAndLeftUntouched) {
    const std::string seed = dir_.file("seed.hex");
    std::ofstream(seed) << rfc_hex << '\n';
    const auto r = run_cli({"simulate", "--hid-socket", seed, "--secret-file", seed}, bounded());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "hwtotp: error: --hid-socket: " + seed +
                         " exists and is not a socket; it was left untouched (give a path where "
                         "nothing exists, or the socket of an earlier run)\n");
    std::stringstream content;
    content << std::ifstream(seed).rdbuf();
    EXPECT_EQ(content.str(), rfc_hex + "\n");
}

TEST_F(SimulateSocketPath, ASecondSimulatorOnALiveSocketIsRefused) {
    SimulatedKeyProcess first(socket(), {"--serial", "1"});
    ASSERT_TRUE(first.ready());
    const std::string seed = dir_.file("seed.hex");
    std::ofstream(seed) << rfc_hex << '\n';
    const auto second = run_cli(
        {"simulate", "--hid-socket", socket(), "--secret-file", seed, "--serial", "2"}, bounded());
    EXPECT_EQ(second.exit_code, 2);
    EXPECT_EQ(second.err, "hwtotp: error: --hid-socket: " + socket() +
                              " is in use: a server answers on it (stop that server, or give "
                              "another path)\n");
    const auto serial = run_cli({"device", "serial", "--device", "unix:" + socket()});
    EXPECT_EQ(serial.out, "1\n") << serial.err;  // still the first one's
    EXPECT_EQ(first.stop(), 0);
    EXPECT_FALSE(std::filesystem::exists(socket()));
}

TEST_F(SimulateSocketPath, AStaleSocketIsReplaced) {
    {
        SimulatedKeyProcess earlier(socket(), {"--serial", "1"});
        ASSERT_TRUE(earlier.ready());
        // Killed without a chance to clean up: its socket file stays behind.
        ASSERT_TRUE(earlier.kill_hard());
    }
    ASSERT_TRUE(std::filesystem::is_socket(socket()));
    SimulatedKeyProcess key(socket(), {"--serial", "2"});
    ASSERT_TRUE(key.ready());
    const auto serial = run_cli({"device", "serial", "--device", "unix:" + socket()});
    EXPECT_EQ(serial.out, "2\n") << serial.err;
}

TEST(SimulateDisplay, FortyPpmForAYearIsAbout42StepsAhead) {
    const std::int64_t since = 1'700'000'000;
    const std::string later = std::to_string(since + 31'557'600);
    const auto shown =
        run_cli({"simulate", "--serial", "GAKT00000001", "--hex", rfc_hex, "--drift-ppm", "40",
                 "--since", std::to_string(since), "--time", later});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    const auto code = lines(shown.out).at(0);
    const auto verdict =
        run_cli({"verify", "--hex", rfc_hex, code, "--window", "100", "--time", later, "--json"});
    ASSERT_EQ(verdict.exit_code, 0) << verdict.err << verdict.out;
    const auto j = nlohmann::json::parse(verdict.out);
    // 40e-6 × 31,557,600 s = 1262 s ≈ 42.07 steps: 42, or 43 near a step's end.
    const auto offset = j["offset_steps"].get<std::int64_t>();
    EXPECT_GE(offset, 42);
    EXPECT_LE(offset, 43);
}

TEST(SimulateDisplay, NoDriftMatchesTheCodeCommand) {
    const auto shown = run_cli({"simulate", "--serial", "GAKT00000001", "--hex", rfc_hex,
                                "--digits", "8", "--time", "59", "--presses", "3"});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    const auto expected =
        run_cli({"code", "--hex", rfc_hex, "--digits", "8", "--time", "59", "--count", "3"});
    EXPECT_EQ(shown.out, expected.out);
    EXPECT_EQ(lines(shown.out).at(0), "94287082");
}

TEST(SimulateDisplay, EnrollPrintsSerialAndTwoConsecutiveCodes) {
    const auto r = run_cli(
        {"simulate", "--serial", "GAKT00000001", "--hex", rfc_hex, "--time", "59", "--enroll"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // RFC 4226 counts 1 and 2: 287082, 359152.
    EXPECT_EQ(r.out, "Serial number: GAKT00000001\nMFA code 1: 287082\nMFA code 2: 359152\n");
}

TEST(SimulateDisplay, JsonHasAllFields) {
    const auto r = run_cli({"simulate", "--serial", "S1", "--hex", rfc_hex, "--time", "59",
                            "--offset", "30", "--presses", "2", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["serial"], "S1");
    EXPECT_EQ(j["offset_seconds"], 30);
    ASSERT_EQ(j["presses"].size(), 2U);
    EXPECT_EQ(j["presses"][0]["token_time"], 89);
    EXPECT_EQ(j["presses"][0]["code"], "359152");  // token step 2
}

TEST(SimulateNew, PrintsAUsableUriAndWarns) {
    // The user asks for a new seed: these outputs stay out of the seed-leak log.
    CliOptions reveals;
    reveals.log_output = false;
    const auto r = run_cli({"simulate", "--new", "--serial", "GAKT00000042"}, reveals);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(r.out.rfind("otpauth://totp/", 0), 0U) << r.out;
    EXPECT_NE(r.err.find("seed"), std::string::npos);
    const auto uri = lines(r.out).at(0);
    const auto code = run_cli({"code", "--uri", uri, "--time", "59"});
    EXPECT_EQ(code.exit_code, 0) << code.err;
    const auto again = run_cli({"simulate", "--new", "--serial", "GAKT00000042"}, reveals);
    EXPECT_NE(again.out, r.out);  // a fresh random seed each time
}

TEST(SimulateBadInput, Rejected) {
    EXPECT_EQ(run_cli({"simulate", "--hex", rfc_hex, "--time", "59"}).exit_code, 2);  // no serial
    EXPECT_EQ(
        run_cli({"simulate", "--serial", "S", "--hex", rfc_hex, "--drift-ppm", "x"}).exit_code, 2);
    EXPECT_EQ(run_cli({"simulate", "--new", "--serial", "S", "--hex", rfc_hex}).exit_code, 2);
    EXPECT_EQ(
        run_cli({"simulate", "--hid-socket", "/tmp/x.sock", "--hex", rfc_hex, "--drift-ppm", "40"})
            .exit_code,
        2);
    EXPECT_EQ(run_cli({"simulate", "--serial", "S", "--hex", rfc_hex, "--touch"}).exit_code, 2);
}

}  // namespace
}  // namespace hwtotp::test

namespace hwtotp::test {
namespace {

// enroll --device reads the pair from the key: steps n-1 and n for the current step n, the same
// codes `hwtotp code` gives for that seed, and check calls the pair READY.
TEST(EnrollFromDevice, ReadsThePreviousAndCurrentCodesAndIsReady) {
    TempDir dir;
    SimulatedKeyProcess key(dir.file("yk.sock"), {});
    ASSERT_TRUE(key.ready());
    const std::string t = "1111111111";  // RFC 6238: step 0x23523ED
    const auto expected =
        run_cli({"code", "--hex", rfc_hex, "--time", "1111111081", "--count", "2"});
    ASSERT_EQ(expected.exit_code, 0);
    const auto codes = lines(expected.out);
    ASSERT_EQ(codes.size(), 2U);
    const auto r = run_cli({"enroll", "--device", "unix:" + dir.file("yk.sock"), "--serial",
                            "GAKT12345678", "--hex", rfc_hex, "--time", t, "--user", "alice"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("code 1 " + codes[0] + ", code 2 " + codes[1]), std::string::npos)
        << r.err;
    EXPECT_NE(r.out.find("READY"), std::string::npos) << r.out;
    EXPECT_NE(
        r.out.find("--authentication-code1 " + codes[0] + " --authentication-code2 " + codes[1]),
        std::string::npos)
        << r.out;
}

TEST(EnrollFromDevice, EmptySlotIsADeviceError) {
    TempDir dir;
    SimulatedKeyProcess key(dir.file("yk.sock"), {});
    ASSERT_TRUE(key.ready());
    const auto r = run_cli({"enroll", "--device", "unix:" + dir.file("yk.sock"), "--slot", "1",
                            "--serial", "GAKT12345678", "--time", "1111111111"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(r.err.rfind("hwtotp: error: ", 0), 0U) << r.err;
}

}  // namespace
}  // namespace hwtotp::test
