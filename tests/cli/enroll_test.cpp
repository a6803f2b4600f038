// hwtotp enroll end to end with piped answers, and once on a pseudo-terminal.
#include <gtest/gtest.h>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "code_source.h"
#include "run_cli.h"

namespace hwtotp::test {
namespace {

TEST(CliEnroll, PipedAnswersAtAFixedTimeAreReady) {
    SeedFile seed;
    const auto codes = codes_at(seed, base_time - 30);
    CliOptions in;
    in.stdin_text = codes[0] + "\n" + codes[1] + "\n";
    const auto r = run_cli({"enroll", "--serial", "GAKT12345678", "--secret-file", seed.path(),
                            "--time", std::to_string(base_time), "--user", "alice"},
                           in);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    // Piped answers come without prompts (bash's read -p does the same): stderr stays empty.
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("READY: submit within 50 s"), std::string::npos) << r.out;
    EXPECT_EQ(lines(r.out).back(),
              "aws iam enable-mfa-device --user-name alice --serial-number "
              "GAKT12345678 --authentication-code1 " +
                  codes[0] + " --authentication-code2 " + codes[1]);
}

TEST(CliEnroll, AsksForTheSerialWhenNotGiven) {
    SeedFile seed;
    const auto codes = codes_at(seed, base_time - 30);
    CliOptions in;
    in.stdin_text = "GAKT12345678\n" + codes[0] + "\n" + codes[1] + "\n";
    const auto r = run_cli(
        {"--json", "enroll", "--secret-file", seed.path(), "--time", std::to_string(base_time)},
        in);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("Serial number"), std::string::npos) << "no prompt when piped";
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["serial"], "GAKT12345678");
    EXPECT_EQ(j["verdict"], "ready");
}

TEST(CliEnroll, NoWaitUsesTheRealClock) {
    // Codes for the step before now and now (so that code 2 is the current code), from hwtotp
    // code at the real time; enroll checks them a moment later without --time. If a step
    // boundary falls in between, the pair is the previous step's: still ready.
    SeedFile seed;
    const std::int64_t before = ::time(nullptr);
    const auto codes = codes_at(seed, before - 30);
    CliOptions in;
    in.stdin_text = codes[0] + "\n" + codes[1] + "\n";
    const auto r = run_cli(
        {"--json", "enroll", "--serial", "GAKT12345678", "--secret-file", seed.path(), "--no-wait"},
        in);
    const std::int64_t after = ::time(nullptr);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["verdict"], "ready");
    // The time it checked at is the real clock's, read during the run.
    const auto checked_at = j["time"].get<std::int64_t>();
    EXPECT_GE(checked_at, before);
    EXPECT_LE(checked_at, after);
    EXPECT_EQ(j["pair_step"].get<std::int64_t>(), (before - 30) / 30);
}

TEST(CliEnroll, SwappedAnswersAreNotReady) {
    SeedFile seed;
    const auto codes = codes_at(seed, base_time - 30);
    CliOptions in;
    in.stdin_text = codes[1] + "\n" + codes[0] + "\n";
    const auto r = run_cli({"enroll", "--serial", "GAKT12345678", "--secret-file", seed.path(),
                            "--time", std::to_string(base_time)},
                           in);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("swapped"), std::string::npos);
}

TEST(CliEnroll, WithoutSeedFormatsOnly) {
    CliOptions in;
    in.stdin_text = "123 456\n654321\n";  // grouped digits are accepted
    const auto r = run_cli({"enroll", "--serial", "GAKT12345678", "--no-wait"}, in);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("FORMAT OK (not verified)"), std::string::npos);
    EXPECT_NE(r.out.find("codes: 123456 then 654321"), std::string::npos);
}

TEST(CliEnroll, ASerialWithControlCharactersIsPrintedEscaped) {
    // A serial piped from a file with an OSC title sequence: the report shows it escaped.
    CliOptions in;
    in.stdin_text = "GAKT\x1b]0;x\x07\n123456\n654321\n";
    const auto r = run_cli({"enroll", "--no-wait"}, in);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(lines(r.out).front(),
              "serial GAKT\\x1b]0;x\\x07: not a format AWS issues, rejected by AWS");
    for (const std::string& text : {r.out, r.err}) {
        for (const char c : text)
            EXPECT_TRUE(static_cast<unsigned char>(c) >= 0x20 || c == '\n') << text;
    }
}

TEST(CliEnroll, BadPipedCodeIsExitTwo) {
    CliOptions in;
    in.stdin_text = "12345\n654321\n";
    const auto r = run_cli({"enroll", "--serial", "GAKT12345678", "--no-wait"}, in);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines(r.err).size(), 1U) << r.err;
    EXPECT_NE(r.err.find("hwtotp: error: code 1 has 5 digits"), std::string::npos) << r.err;
}

TEST(CliEnroll, EndOfInputIsExitTwo) {
    CliOptions in;
    in.stdin_text = "123456\n";
    const auto r = run_cli({"enroll", "--serial", "GAKT12345678", "--no-wait"}, in);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines(r.err).size(), 1U) << r.err;
    EXPECT_NE(r.err.find("hwtotp: error: no code 2 given (input ended"), std::string::npos)
        << r.err;
}

// On a terminal a mistyped code is asked again; the prompts and the report share the pty.
TEST(CliEnroll, TerminalAsksAgainAfterATypo) {
    SeedFile seed;
    const auto codes = codes_at(seed, base_time - 30);
    // Prepared before the fork: the child only execs. Its registry variables point into a
    // scratch directory of its own, as run_cli's runs do.
    const CliSandbox sandbox;
    std::vector<std::string> argv_text{
        hwtotp_binary(), "enroll",    "--serial", "GAKT12345678",
        "--secret-file", seed.path(), "--time",   std::to_string(base_time)};
    std::vector<char*> argv;
    for (auto& a : argv_text)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_text = sandbox.environment();
    std::vector<char*> envp;
    for (auto& e : env_text)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    int master = -1;
    const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    std::string seen;
    const auto read_until = [&](const std::string& marker) {
        char buffer[512];
        while (seen.find(marker) == std::string::npos) {
            pollfd p{master, POLLIN, 0};
            if (poll(&p, 1, 10000) <= 0)
                return false;
            const auto n = read(master, buffer, sizeof buffer);
            if (n <= 0)
                return false;
            seen.append(buffer, static_cast<std::size_t>(n));
        }
        return true;
    };
    const auto type = [&](const std::string& text) {
        ASSERT_EQ(write(master, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    };
    ASSERT_TRUE(read_until("Code 1:")) << seen;
    type("12345\n");
    ASSERT_TRUE(read_until("try again")) << seen;
    type(codes[0] + "\n");
    ASSERT_TRUE(read_until("Code 2:")) << seen;
    type(codes[1] + "\n");
    EXPECT_TRUE(read_until("READY: submit within 50 s")) << seen;
    int status = 0;
    waitpid(pid, &status, 0);
    close(master);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace hwtotp::test
