// The registry through the real binary: import, tokens, code/verify --token, exit codes.
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app.h"
#include "context.h"
#include "released_together.h"
#include "run_cli.h"

namespace hwtotp::test {
namespace registry_cli_test {

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
    // The token's codes for `count` steps from `time` on.
    std::set<std::string> codes_from(std::int64_t time, int count,
                                     const std::string& serial = "GAKT00000001") {
        auto r = hw({"code", "--token", serial, "--time", std::to_string(time), "--count",
                     std::to_string(count)});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        const auto all = lines(r.out);
        return {all.begin(), all.end()};
    }
    // `n` distinct 6-digit codes, none of them in `taken`.
    static std::vector<std::string> wrong_codes(int n, const std::set<std::string>& taken) {
        std::vector<std::string> codes;
        for (int i = 0; static_cast<int>(codes.size()) < n; ++i) {
            std::string c = std::to_string(100'000 + i * 7'919 % 900'000);
            if (!taken.contains(c))
                codes.push_back(std::move(c));
        }
        return codes;
    }
    // Runs each argument list as its own hwtotp process, all released at the same moment.
    std::vector<CliResult> run_together(const std::vector<std::vector<std::string>>& runs) {
        const auto codes = hwtotp::test::run_released_together(
            static_cast<int>(runs.size()), [&](int i, const std::function<bool()>& wait) {
                (void)wait();
                const auto r = hw(runs[static_cast<std::size_t>(i)]);
                std::ofstream(dir.file("run." + std::to_string(i) + ".out")) << r.out;
                std::ofstream(dir.file("run." + std::to_string(i) + ".err")) << r.err;
                return r.exit_code;
            });
        std::vector<CliResult> results(runs.size());
        for (std::size_t i = 0; i < runs.size(); ++i) {
            results[i].exit_code = codes[i];
            std::ifstream out(dir.file("run." + std::to_string(i) + ".out"));
            std::ifstream err(dir.file("run." + std::to_string(i) + ".err"));
            std::stringstream o;
            std::stringstream e;
            o << out.rdbuf();
            e << err.rdbuf();
            results[i].out = o.str();
            results[i].err = e.str();
        }
        return results;
    }
    nlohmann::json show(const std::string& serial = "GAKT00000001") {
        auto r = hw({"--json", "tokens", "show", serial});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return nlohmann::json::parse(r.out);
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
    EXPECT_EQ(j["code_checked"], true);
    EXPECT_EQ(j["max_failures"], 10);
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
    const auto codes =
        hwtotp::test::run_released_together(processes, [&](int, const std::function<bool()>& wait) {
            (void)wait();
            return hw({"verify", "--token", "GAKT00000001", code, "--time", t}).exit_code;
        });
    const auto accepted = std::count(codes.begin(), codes.end(), 0);
    const auto refused = std::count(codes.begin(), codes.end(), 5);
    EXPECT_EQ(accepted, 1);
    EXPECT_EQ(refused, processes - 1);
}

// ---- Attempts are counted before the code is looked at --------------------------------------

constexpr std::int64_t t_accept = 1'700'000'010;  // a step boundary

// Parallel verifies of distinct wrong codes, each its own process, and what each said.
struct Race {
    int checked = 0;                     // codes looked at (JSON code_checked)
    int rejected = 0;                    // of those, answered "no match" (exit 1)
    int exit_1 = 0;                      // "no match" answers, whatever the JSON says
    std::map<std::string, int> refused;  // status of those not looked at -> how many
};

Race tally(const std::vector<CliResult>& results) {
    Race race;
    for (const auto& r : results) {
        EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 5) << r.exit_code << ": " << r.err;
        EXPECT_EQ(r.err.find("database is locked"), std::string::npos) << r.err;
        race.exit_1 += r.exit_code == 1 ? 1 : 0;
        const auto j = nlohmann::json::parse(r.out);
        if (j.contains("code_checked") && j["code_checked"].get<bool>()) {
            ++race.checked;
            race.rejected += r.exit_code == 1 ? 1 : 0;
        } else {
            ++race.refused[j["status"].get<std::string>()];
        }
    }
    return race;
}

TEST_F(RegistryCli, ParallelWrongCodesAreCountedBeforeTheyAreLookedAt) {
    import_plain();
    // One accepted code first, so that the window is ±1 step rather than the first use's ±20.
    ASSERT_EQ(hw({"verify", "--token", "GAKT00000001", code_at(std::to_string(t_accept)), "--time",
                  std::to_string(t_accept)})
                  .exit_code,
              0);
    const std::int64_t burst = t_accept + 300;
    const auto wrong = wrong_codes(100, codes_from(burst - 30, 3));
    std::vector<std::vector<std::string>> runs;
    for (const auto& c : wrong)
        runs.push_back(
            {"--json", "verify", "--token", "GAKT00000001", c, "--time", std::to_string(burst)});
    Race race = tally(run_together(runs));
    // All at the same --time. Each attempt is counted before its code is looked at, in the
    // same statement that applies the lockout and the throttle. The first three are always
    // looked at (the throttle starts at three failures); then the throttle waits 5 s after the
    // last recorded failure, so beyond three only attempts counted before the first failure is
    // recorded get through, and the lockout caps those: at most 10. (The old verifier read the
    // state, looked at the code and counted afterwards: 27 to 65 of 100 were looked at.)
    EXPECT_LE(race.exit_1, 10);
    EXPECT_GE(race.checked, 3);
    EXPECT_LE(race.checked, 10);
    EXPECT_EQ(
        race.checked + race.refused["throttled"] + race.refused["busy"] + race.refused["locked"],
        100);
    const auto state = show();
    EXPECT_LE(state["failures"].get<int>(), 10);
    EXPECT_EQ(state["failures"], race.checked);  // each looked-at code counted, none twice
    EXPECT_EQ(state["locked"], race.checked == 10);
    std::cout << "looked at " << race.checked << " of 100 wrong codes\n";
}

class RegistryCliLockout : public RegistryCli {
  protected:
    // Nine failures spaced as the throttle asks (0, 0, 5, 10, ... 160 s), then returns a time
    // 300 s after the ninth: the throttle's longest wait, so it lets any attempt through there.
    std::int64_t nine_failures(const std::string& bad) {
        constexpr std::array<std::int64_t, 9> waits{0, 0, 5, 10, 20, 40, 80, 160, 300};
        std::int64_t now = t_accept + 30;
        for (std::size_t i = 0; i < waits.size(); ++i) {
            EXPECT_EQ(hw({"verify", "--token", "GAKT00000001", bad, "--time", std::to_string(now)})
                          .exit_code,
                      1)
                << i;
            now += waits[i];
        }
        return now;
    }
    void SetUp() override {
        import_plain();
        ASSERT_EQ(hw({"verify", "--token", "GAKT00000001", code_at(std::to_string(t_accept)),
                      "--time", std::to_string(t_accept)})
                      .exit_code,
                  0);
        // Every code of the token from the accepted step to well past the burst.
        taken = codes_from(t_accept, 40);
    }
    std::set<std::string> taken;
};

TEST_F(RegistryCliLockout, TheLastAttemptBeforeTheLockIsLookedAtOnce) {
    const auto wrong = wrong_codes(101, taken);
    const std::int64_t burst = nine_failures(wrong.back());
    std::vector<std::vector<std::string>> runs;
    for (int i = 0; i < 100; ++i)
        runs.push_back({"--json", "verify", "--token", "GAKT00000001",
                        wrong.at(static_cast<std::size_t>(i)), "--time", std::to_string(burst)});
    Race race = tally(run_together(runs));
    // One place was left before the lock, and exactly one code took it (and locked the token).
    // The 99 others were refused by the lockout (busy while that one was being checked,
    // locked after), never by the throttle: at this time it lets attempts through.
    EXPECT_EQ(race.checked, 1);
    EXPECT_EQ(race.exit_1, 0);  // the tenth failure reports the lock (exit 5)
    EXPECT_EQ(race.refused["busy"] + race.refused["locked"], 99);
    EXPECT_EQ(race.refused["throttled"], 0);
    const auto state = show();
    EXPECT_EQ(state["failures"], 10);
    EXPECT_EQ(state["locked"], true);
}

TEST_F(RegistryCliLockout, ARightCodeAmongParallelWrongOnesWinsUnlessTheLockCameFirst) {
    const auto wrong = wrong_codes(100, taken);
    const std::int64_t burst = nine_failures(wrong.back());
    const std::string right = code_at(std::to_string(burst));
    std::vector<std::vector<std::string>> runs;
    for (int i = 0; i < 99; ++i)
        runs.push_back({"--json", "verify", "--token", "GAKT00000001",
                        wrong.at(static_cast<std::size_t>(i)), "--time", std::to_string(burst)});
    constexpr std::size_t right_run = 50;
    runs.insert(runs.begin() + right_run, {"--json", "verify", "--token", "GAKT00000001", right,
                                           "--time", std::to_string(burst)});
    auto results = run_together(runs);
    const CliResult right_result = results[right_run];
    results.erase(results.begin() + right_run);
    Race race = tally(results);
    const auto r = nlohmann::json::parse(right_result.out);
    const auto state = show();
    std::cout << "right code " << r["status"] << "; looked at " << race.checked
              << " of 99 wrong codes\n";
    if (right_result.exit_code == 0) {
        // It took the last place and succeeded: the count started again, and the wrong codes
        // looked at after it are exactly the failures counted now, at most 10.
        EXPECT_EQ(r["status"], "accepted");
        EXPECT_EQ(race.checked, state["failures"].get<int>());
        EXPECT_LE(race.checked, 10);
        EXPECT_EQ(state["locked"], race.checked == 10);
    } else {
        // A wrong code took the last place first: the right one was refused before it was
        // looked at (never looked at and then refused), and exactly one wrong code was checked.
        EXPECT_EQ(right_result.exit_code, 5) << right_result.err;
        EXPECT_EQ(r["code_checked"], false);
        EXPECT_NE(r["status"], "throttled");
        EXPECT_EQ(race.checked, 1);
        EXPECT_EQ(state["failures"], 10);
        EXPECT_EQ(state["locked"], true);
    }
}

// ---- A window too wide for one code is refused -----------------------------------------------

TEST_F(RegistryCli, WideWindowIsRefusedAndRecordsNothing) {
    import_plain();
    // The old verifier found 000000 at +128,667 steps in this window, accepted it and stored
    // that offset: every later code of the token then fell outside its window.
    auto r = hw({"verify", "--token", "GAKT00000001", "000000", "--window", "2000000", "--time",
                 "1700000000"});
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err,
              "hwtotp: error: --window 2000000 with --token GAKT00000001: a wrong 6-digit code "
              "matches one of the 4000001 steps of a ±2000000-step window by chance with odds up "
              "to 4000001·10^-6, above 1% (accepted: up to ±4999 steps); to find how far the "
              "token has drifted, resync with two consecutive codes: hwtotp resync --token "
              "GAKT00000001 --code1 CODE --code2 NEXT\n");
    const auto state = show();
    EXPECT_TRUE(state["last_step"].is_null());
    EXPECT_EQ(state["offset_steps"], 0);
    EXPECT_EQ(state["failures"], 0);
    // The widest window allowed is searched.
    const auto edge = hw({"--json", "verify", "--token", "GAKT00000001", code_at("1700149950"),
                          "--window", "4999", "--time", "1700000000"});
    EXPECT_EQ(edge.exit_code, 0) << edge.err;
}

// ---- Replayed HOTP codes -------------------------------------------------------------------

TEST_F(RegistryCli, HotpReplayIsRefusedAndNotCounted) {
    import_plain();
    const std::string code = code_at("0", "HOTP00000003");  // counter 42, the next expected
    ASSERT_EQ(hw({"verify", "--token", "HOTP00000003", code}).exit_code, 0);
    auto replay = hw({"--json", "verify", "--token", "HOTP00000003", code});
    EXPECT_EQ(replay.exit_code, 5);
    EXPECT_EQ(replay.err,
              "hwtotp: error: token HOTP00000003: code already used (its counter was accepted "
              "before); wait for the next code\n");
    const auto j = nlohmann::json::parse(replay.out);
    EXPECT_EQ(j["status"], "replay");
    EXPECT_EQ(j["matched_counter"], 42);
    EXPECT_EQ(show("HOTP00000003")["failures"], 0);
}

TEST_F(RegistryCli, ParallelSubmissionsOfOneHotpCodeNeverCountAFailure) {
    import_plain();
    const std::string code = code_at("0", "HOTP00000003");
    const auto results = run_together(std::vector<std::vector<std::string>>(
        20, {"--json", "verify", "--token", "HOTP00000003", code, "--time", "1700000000"}));
    int accepted = 0;
    for (const auto& r : results) {
        accepted += r.exit_code == 0 ? 1 : 0;
        EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 5) << r.exit_code << ": " << r.err;
        const auto status = nlohmann::json::parse(r.out)["status"];
        EXPECT_NE(status, "rejected");
        EXPECT_NE(status, "locked");
    }
    EXPECT_EQ(accepted, 1);
    const auto state = show("HOTP00000003");
    EXPECT_EQ(state["failures"], 0);
    EXPECT_EQ(state["locked"], false);
    EXPECT_EQ(state["counter"], 43);
}

// ---- The throttle at the end of time ---------------------------------------------------------

TEST_F(RegistryCli, ThrottleHoldsAfterFailuresAtTheEndOfTime) {
    import_plain();
    const std::string end = "9223372036854775807";
    const std::string good = code_at(end);
    const std::string bad = good == "000000" ? "111111" : "000000";
    for (int i = 1; i <= 3; ++i)
        EXPECT_EQ(hw({"verify", "--token", "GAKT00000001", bad, "--time", end}).exit_code, 1) << i;
    // The old throttle added the delay to the last failure's time and wrapped past 2^63 - 1.
    auto fourth = hw({"verify", "--token", "GAKT00000001", bad, "--time", end});
    EXPECT_EQ(fourth.exit_code, 5);
    EXPECT_EQ(fourth.err,
              "hwtotp: error: token GAKT00000001 throttled: 3 failed attempts; retry in 5 s\n");
    EXPECT_EQ(show()["failures"], 3);
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

// The store says "name the registry"; the CLI says which option does that.
TEST_F(RegistryCli, NoRegistryLocationAtAllTellsToPassDb) {
    CliOptions none;
    none.env = {{"HOME", ""}, {"XDG_DATA_HOME", ""}, {"HWTOTP_DB", ""}};
    const auto r = run_cli({"tokens", "list"}, none);
    EXPECT_EQ(r.exit_code, 4);
    EXPECT_EQ(r.err,
              "hwtotp: error: no registry location: pass --db PATH or set HWTOTP_DB (HOME "
              "is unset)\n");
}

TEST_F(RegistryCli, FilesArePrivate) {
    import_plain();
    struct stat st {};
    ASSERT_EQ(::stat(dir.file("reg/tokens.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    ASSERT_EQ(::stat(dir.file("reg/tokens.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
}

}  // namespace registry_cli_test
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
