// The registry through the real binary: import, tokens, code/verify --token, exit codes.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app.h"
#include "context.h"
#include "run_cli.h"

namespace hwtotp::test {
namespace {

const std::string pskc_dir = std::string(HWTOTP_VECTORS_DIR) + "/pskc/";
constexpr const char* seed1_hex = "0102030405060708090a0b0c0d0e0f1011121314";
constexpr const char* t = "1700000000";

class RegistryCli : public ::testing::Test {
  protected:
    CliResult hw(std::vector<std::string> args, const std::string& stdin_text = "",
                 bool log_output = true) {
        CliOptions options;
        options.log_output = log_output;
        options.env = {{"HWTOTP_DB", dir.file("reg/tokens.db")}, {"HWTOTP_KEY_FILE", ""}};
        options.stdin_text = stdin_text;
        return run_cli(args, options);
    }
    void write(const std::string& name, const std::string& content) {
        std::ofstream(dir.file(name), std::ios::binary) << content;
    }
    void import_plain() {
        auto r = hw({"import", pskc_dir + "pp-plain.pskcxml"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    std::string code_at(const std::string& time, const std::string& serial = "GAKT00000001") {
        auto r = hw({"code", "--token", serial, "--time", time});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out.substr(0, r.out.find('\n'));
    }

    TempDir dir;
};

TEST_F(RegistryCli, CodeFromTokenEqualsCodeFromHex) {
    import_plain();
    for (const char* time : {"0", "59", t, "2000000000"}) {
        auto from_hex = run_cli({"code", "--hex", seed1_hex, "--time", time});
        ASSERT_EQ(from_hex.exit_code, 0);
        EXPECT_EQ(code_at(time) + "\n", from_hex.out) << time;
    }
    // SHA-256, 8 digits, 60 s: parameters come from the file.
    auto from_hex = run_cli(
        {"code", "--hex", "28292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f4041424344454647",
         "--algorithm", "sha256", "--digits", "8", "--period", "60", "--time", t});
    EXPECT_EQ(code_at(t, "GAKT00000002") + "\n", from_hex.out);
}

TEST_F(RegistryCli, Rfc6030Figure6HotpMatchesRfc4226) {
    auto r =
        hw({"import", pskc_dir + "figure6.pskcxml", "--key", "12345678901234567890123456789012"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto code = hw({"code", "--token", "987654321"});
    ASSERT_EQ(code.exit_code, 0) << code.err;
    // RFC 4226 Appendix D, count 0, 8 digits: ...84755224 -> HOTP-8 of 0 is 84755224.
    EXPECT_EQ(code.out, "84755224\n");
}

TEST_F(RegistryCli, PasswordFileImport) {
    write("pw", "qwerty\n");
    auto r = hw({"import", pskc_dir + "figure7.pskcxml", "--password-file", dir.file("pw")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(hw({"code", "--token", "987654321"}).out, "84755224\n");
}

TEST_F(RegistryCli, VerifyRecordsAndRefusesReplay) {
    import_plain();
    const std::string code = code_at(t);
    auto ok = hw({"verify", "--token", "GAKT00000001", code, "--time", t});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(ok.out.find("recorded"), std::string::npos);
    auto replay = hw({"verify", "--token", "GAKT00000001", code, "--time", "1700000010"});
    EXPECT_EQ(replay.exit_code, 5);
    EXPECT_NE(replay.err.find("code already used"), std::string::npos);
    auto json = hw({"--json", "verify", "--token", "GAKT00000001", code_at("1700000030"), "--time",
                    "1700000030"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const auto j = nlohmann::json::parse(json.out);
    EXPECT_EQ(j["status"], "accepted");
    EXPECT_EQ(j["offset_steps"], 0);
}

TEST_F(RegistryCli, LockoutAfterTenFailuresAndUnlock) {
    import_plain();
    const std::string bad = code_at(t) == "000000" ? "111111" : "000000";
    // Failures 3..9 are each followed by a throttle of 5 s doubling (5, 10, ... 300 s).
    constexpr std::array<std::int64_t, 9> waits{0, 0, 5, 10, 20, 40, 80, 160, 300};
    std::int64_t now = 1700000000;
    for (int i = 1; i <= 9; ++i) {
        EXPECT_EQ(
            hw({"verify", "--token", "GAKT00000001", bad, "--time", std::to_string(now)}).exit_code,
            1)
            << i;
        now += waits.at(static_cast<std::size_t>(i - 1));
    }
    const std::string when = std::to_string(now);
    ASSERT_NE(code_at(when), bad);
    auto tenth = hw({"verify", "--token", "GAKT00000001", bad, "--time", when});
    EXPECT_EQ(tenth.exit_code, 5);
    EXPECT_NE(tenth.err.find("locked"), std::string::npos);
    const std::string good = code_at(when);
    EXPECT_EQ(hw({"verify", "--token", "GAKT00000001", good, "--time", when}).exit_code, 5);
    EXPECT_EQ(hw({"tokens", "unlock", "GAKT00000001"}).exit_code, 0);
    EXPECT_EQ(hw({"verify", "--token", "GAKT00000001", good, "--time", when}).exit_code, 0);
}

TEST_F(RegistryCli, ThrottledAfterThreeFailuresAcrossProcesses) {
    import_plain();
    const std::string good = code_at(t);
    const std::string bad = good == "000000" ? "111111" : "000000";
    for (int i = 1; i <= 3; ++i)
        EXPECT_EQ(hw({"verify", "--token", "GAKT00000001", bad, "--time", t}).exit_code, 1) << i;
    // Each verify is its own process: the throttle lives in the registry.
    auto early = hw({"verify", "--token", "GAKT00000001", good, "--time", "1700000003"});
    EXPECT_EQ(early.exit_code, 5);
    EXPECT_EQ(early.out, "");
    EXPECT_EQ(early.err,
              "hwtotp: error: token GAKT00000001 throttled: 3 failed attempts; retry in 2 s\n");
    auto json = hw({"--json", "verify", "--token", "GAKT00000001", good, "--time", "1700000004"});
    EXPECT_EQ(json.exit_code, 5);
    const auto j = nlohmann::json::parse(json.out);
    EXPECT_EQ(j["status"], "throttled");
    EXPECT_EQ(j["retry_in"], 1);
    const auto shown = nlohmann::json::parse(hw({"--json", "tokens", "show", "GAKT00000001"}).out);
    EXPECT_EQ(shown["failures"], 3);
    EXPECT_EQ(shown["last_failure_at"], 1700000000);
    EXPECT_EQ(hw({"verify", "--token", "GAKT00000001", good, "--time", "1700000005"}).exit_code, 0);
}

TEST_F(RegistryCli, ConcurrentVerifiersAcceptOnce) {
    import_plain();
    const std::string code = code_at(t);
    constexpr int processes = 5;
    std::array<int, 2> gate{};
    ASSERT_EQ(::pipe(gate.data()), 0);
    std::vector<pid_t> children;
    for (int i = 0; i < processes; ++i) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::close(gate[1]);
            char go = 0;
            (void)::read(gate[0], &go, 1);
            ::_exit(hw({"verify", "--token", "GAKT00000001", code, "--time", t}).exit_code);
        }
        children.push_back(pid);
    }
    ::close(gate[0]);
    ::close(gate[1]);
    int accepted = 0;
    int refused = 0;
    for (pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status));
        accepted += WEXITSTATUS(status) == 0 ? 1 : 0;
        refused += WEXITSTATUS(status) == 5 ? 1 : 0;
    }
    EXPECT_EQ(accepted, 1);
    EXPECT_EQ(refused, processes - 1);
}

TEST_F(RegistryCli, WrongKeyImportsNothing) {
    auto r = hw({"import", pskc_dir + "pp-aes128-hmac-sha1.pskcxml", "--key",
                 "00000000000000000000000000000000"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("wrong key or password"), std::string::npos);
    EXPECT_EQ(lines(r.err).back().rfind("hwtotp: error: ", 0), 0U);  // after --key's warning
    auto list = hw({"--json", "tokens", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_TRUE(nlohmann::json::parse(list.out)["tokens"].empty());
}

TEST_F(RegistryCli, BadCsvLineNamesTheLineNotTheSeed) {
    write("t.csv",
          "A0000001,3132333435363738393031323334353637383930\n"
          "A0000002,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"
          "# comment\n"
          "A0000004,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1\n");
    auto r = hw({"import", dir.file("t.csv")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("line 4"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("GEZDGNBVGY3TQOJQ"), std::string::npos) << r.err;
    EXPECT_EQ(hw({"tokens", "show", "A0000001"}).exit_code, 2);
}

TEST_F(RegistryCli, MalformedXmlIsBadInput) {
    write("bad.xml", "<KeyContainer><KeyPackage>");
    auto r = hw({"import", dir.file("bad.xml")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("not well-formed"), std::string::npos);
}

TEST_F(RegistryCli, NotADatabaseIsRegistryError) {
    ::mkdir(dir.file("reg").c_str(), 0700);
    write("reg/tokens.db", std::string(2048, 'z'));
    auto r = hw({"tokens", "list"});
    EXPECT_EQ(r.exit_code, 4);
    EXPECT_NE(r.err.find("not an SQLite database"), std::string::npos);
}

TEST_F(RegistryCli, NewerSchemaIsRegistryError) {
    import_plain();
    ASSERT_EQ(
        std::system(("sqlite3 " + dir.file("reg/tokens.db") + " 'PRAGMA user_version=7'").c_str()),
        0);
    auto r = hw({"tokens", "list"});
    EXPECT_EQ(r.exit_code, 4);
    EXPECT_NE(r.err.find("newer hwtotp"), std::string::npos);
}

TEST_F(RegistryCli, GroupReadableKeyFileIsRefused) {
    import_plain();
    ASSERT_EQ(::chmod(dir.file("reg/tokens.key").c_str(), 0640), 0);
    auto r = hw({"code", "--token", "GAKT00000001"});
    EXPECT_EQ(r.exit_code, 4);
    EXPECT_NE(r.err.find("chmod 600"), std::string::npos);
}

TEST_F(RegistryCli, ListAndShowNeverPrintSeeds) {
    import_plain();
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"tokens", "list"},
                                               {"--json", "tokens", "list"},
                                               {"tokens", "show", "GAKT00000001"},
                                               {"--json", "tokens", "show", "GAKT00000001"}}) {
        auto r = hw(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out.find(seed1_hex), std::string::npos);
        EXPECT_EQ(r.out.find("AEBAGBAFAYDQQCIKBMGA2DQPCAIREEYU"), std::string::npos);
    }
}

TEST_F(RegistryCli, RevealSeedNeedsConfirmationAndRoundTrips) {
    import_plain();
    auto refused = hw({"tokens", "show", "GAKT00000002", "--reveal-seed"});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("--yes"), std::string::npos);
    auto as_json = hw({"--json", "tokens", "show", "GAKT00000002", "--reveal-seed", "--yes"});
    EXPECT_EQ(as_json.exit_code, 2);
    EXPECT_EQ(as_json.out, "");
    // The user asks for the seed here: this one output stays out of the seed-leak log.
    auto shown = hw({"tokens", "show", "GAKT00000002", "--reveal-seed", "--yes"}, "", false);
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_EQ(shown.out.rfind("otpauth://totp/", 0), 0U);
    // The URI imports into another registry with the same serial, parameters and codes.
    write("one.uri", shown.out);
    CliOptions other;
    other.env = {{"HWTOTP_DB", dir.file("other/tokens.db")}};
    auto imported = run_cli({"import", dir.file("one.uri")}, other);
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    auto there = run_cli({"code", "--token", "GAKT00000002", "--time", t}, other);
    EXPECT_EQ(there.out, code_at(t, "GAKT00000002") + "\n");
}

TEST_F(RegistryCli, RemoveThenUnknownToken) {
    import_plain();
    EXPECT_EQ(hw({"tokens", "remove", "GAKT00000001"}).exit_code, 0);
    auto r = hw({"code", "--token", "GAKT00000001"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("no token with serial GAKT00000001"), std::string::npos);
}

TEST_F(RegistryCli, DuplicateNeedsReplace) {
    import_plain();
    auto again = hw({"import", pskc_dir + "pp-plain.pskcxml"});
    EXPECT_EQ(again.exit_code, 2);
    EXPECT_NE(again.err.find("--replace"), std::string::npos);
    auto replaced = hw({"import", pskc_dir + "pp-plain.pskcxml", "--replace"});
    EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
    EXPECT_NE(replaced.out.find("3 replaced"), std::string::npos);
}

TEST_F(RegistryCli, FilesArePrivate) {
    import_plain();
    struct stat st {};
    ASSERT_EQ(::stat(dir.file("reg/tokens.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    ASSERT_EQ(::stat(dir.file("reg/tokens.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
}

}  // namespace
}  // namespace hwtotp::test

namespace hwtotp::test {
namespace {

// In-process, to pretend stderr is a terminal: the progress bar is drawn.
TEST(ImportProgress, DrawnOnATerminalForLargeFiles) {
    TempDir dir;
    std::string csv;
    for (int i = 0; i < 2000; ++i)
        csv += "P" + std::to_string(100000 + i) + ",3132333435363738393031323334353637383930\n";
    std::ofstream(dir.file("big.csv")) << csv;
    for (const bool terminal : {true, false}) {
        std::ostringstream out;
        std::ostringstream err;
        std::istringstream in;
        cli::Context ctx{.out = out,
                         .err = err,
                         .in = in,
                         .now = [] { return std::int64_t{1}; },
                         .stdin_is_terminal = false,
                         .stderr_is_terminal = terminal,
                         .json = false,
                         .db_path = {},
                         .exit_code = 0};
        const std::string db = dir.file(terminal ? "a.db" : "b.db");
        const std::string file = dir.file("big.csv");
        const std::vector<const char*> args{"hwtotp", "--db", db.c_str(), "import", file.c_str()};
        ASSERT_EQ(cli::run(static_cast<int>(args.size()), args.data(), ctx), 0) << err.str();
        EXPECT_NE(out.str().find("imported 2000 tokens"), std::string::npos);
        if (terminal)
            EXPECT_NE(err.str().find("importing ["), std::string::npos) << err.str();
        else
            EXPECT_EQ(err.str(), "");
    }
}

}  // namespace
}  // namespace hwtotp::test
