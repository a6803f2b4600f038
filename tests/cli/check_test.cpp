// hwtotp check end to end: every diagnosis of DESIGN "check, exactly" at a fixed --time.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "code_source.h"
#include "run_cli.h"

// Its own namespace: the unity build compiles several test files as one unit, where
// file-local names (params, year, serial) of two files would collide.
namespace hwtotp::test::check_test {
namespace {

const std::string serial = "GAKT12345678";

struct Check {
    SeedFile seed;
    CliResult run(const std::string& c1, const std::string& c2, std::vector<std::string> extra = {},
                  bool json = false) const {
        std::vector<std::string> args;
        if (json)
            args.push_back("--json");
        for (const auto& a : {"check", "--serial"})
            args.emplace_back(a);
        args.insert(args.end(), {serial, "--code1", c1, "--code2", c2, "--secret-file", seed.path(),
                                 "--time", std::to_string(base_time)});
        args.insert(args.end(), extra.begin(), extra.end());
        return run_cli(args);
    }
    // The --json report, after checking the exit code (0 ready, 1 not ready).
    nlohmann::json json(const std::string& c1, const std::string& c2, int expected_exit,
                        std::vector<std::string> extra = {}) const {
        const auto r = run(c1, c2, std::move(extra), true);
        EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
        return nlohmann::json::parse(r.out);
    }
};

std::vector<std::string> reason_ids(const nlohmann::json& j) {
    std::vector<std::string> ids;
    for (const auto& r : j["reasons"])
        ids.push_back(r["id"]);
    return ids;
}

TEST(CliCheck, PairEndingNowIsReadyWithFiftySecondsLeft) {
    Check c;
    const auto codes = codes_at(c.seed, base_time - 30);  // steps n-1, n
    const auto r = c.run(codes[0], codes[1]);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("READY: submit within 50 s"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("in step with this computer"), std::string::npos);
    EXPECT_NE(r.out.find("AWS hardware TOTP token serial"), std::string::npos);
}

TEST(CliCheck, PairEndingInThePreviousStepIsReadyWithTwentySeconds) {
    Check c;
    const auto codes = codes_at(c.seed, base_time - 60);
    const auto j = c.json(codes[0], codes[1], 0);
    EXPECT_EQ(j["verdict"], "ready");
    EXPECT_EQ(j["seconds_left"], 20);
    EXPECT_EQ(j["clock_offset_steps"], -1);
    EXPECT_EQ(j["pair_offset_steps"], -2);
    EXPECT_EQ(j["pair_offset_seconds"], -60);
}

TEST(CliCheck, SwappedCodes) {
    Check c;
    const auto codes = codes_at(c.seed, base_time - 30);
    const auto r = c.run(codes[1], codes[0]);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("NOT READY"), std::string::npos);
    EXPECT_NE(r.out.find("swapped: the codes are in the wrong order"), std::string::npos) << r.out;
}

TEST(CliCheck, IdenticalCodes) {
    Check c;
    const auto codes = codes_at(c.seed, base_time);
    const auto j = c.json(codes[0], codes[0], 1);
    EXPECT_EQ(j["verdict"], "not_ready");
    EXPECT_EQ(reason_ids(j), std::vector<std::string>{"identical"});
    EXPECT_NE(j["reasons"][0]["text"].get<std::string>().find("10^-6"), std::string::npos);
}

TEST(CliCheck, CodesTwoStepsApart) {
    Check c;
    const auto codes = codes_at(c.seed, base_time - 60, 3);
    const auto r = c.run(codes[0], codes[2]);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("not_consecutive: the codes are not consecutive: code 2 is 2 steps after "
                         "code 1"),
              std::string::npos)
        << r.out;
}

TEST(CliCheck, CodesFromTenMinutesAgoAreStale) {
    Check c;
    const auto codes = codes_at(c.seed, base_time - 630);  // code 2 current 600 s ago
    const auto j = c.json(codes[0], codes[1], 1);
    EXPECT_EQ(j["verdict"], "not_ready");
    EXPECT_EQ(reason_ids(j), std::vector<std::string>{"stale"});
    EXPECT_EQ(j["clock_offset_steps"], -20);
    EXPECT_EQ(j["clock_offset_seconds"], -600);
    EXPECT_EQ(j["seconds_left"], 0);
    const std::string text = j["reasons"][0]["text"];
    EXPECT_NE(text.find("stale by 580 s"), std::string::npos) << text;
    EXPECT_NE(text.find("resync after enrolling"), std::string::npos);
}

TEST(CliCheck, TokenThreeMinutesFast) {
    Check c;
    const auto codes = codes_at(c.seed, base_time + 180 - 30);  // code 2 is the token's now
    const auto r = c.run(codes[0], codes[1]);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("token_fast"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("180 s"), std::string::npos);
    EXPECT_NE(r.out.find("AWS would register it out of sync"), std::string::npos);
    EXPECT_NE(r.out.find("token clock: +6 steps (+180 s)"), std::string::npos) << r.out;
}

TEST(CliCheck, MistypedCodeMatchesNothing) {
    Check c;
    const auto codes = codes_at(c.seed, base_time - 30);
    // Code 2 with its last digit changed: for this seed and time the result matches no step
    // within 20 of code 1's (which would make it "not_consecutive" instead).
    std::string wrong = codes[1];
    wrong.back() = wrong.back() == '9' ? '0' : static_cast<char>(wrong.back() + 1);
    const auto j = c.json(codes[0], wrong, 1);
    EXPECT_EQ(j["verdict"], "not_ready");
    EXPECT_FALSE(j["pair_found"].get<bool>());
    EXPECT_EQ(reason_ids(j), std::vector<std::string>{"code2_unmatched"});
    const std::string text = j["reasons"][0]["text"];
    EXPECT_NE(text.find("code 1 matches step -1 (-30 s from now"), std::string::npos) << text;
    EXPECT_NE(text.find("code 2 matches no step near it: mistyped code 2?"), std::string::npos)
        << text;
}

TEST(CliCheck, NoMatchNamesTheClockOffsetTheWindowCovers) {
    Check c;
    const auto far = codes_at(c.seed, base_time + 86400 * 365);  // a year away: outside both
    // The default window, ±2880 steps of 30 s, covers a clock up to 24 h off.
    auto j = c.json(far[0], far[1], 1);
    EXPECT_EQ(reason_ids(j), std::vector<std::string>{"no_match"});
    std::string text = j["reasons"][0]["text"];
    EXPECT_NE(text.find("within ±2880 steps of now"), std::string::npos) << text;
    EXPECT_NE(text.find("a token clock more than 24 h off (find it with: hwtotp resync "
                        "--search-window all)"),
              std::string::npos)
        << text;
    // A window under an hour is said in minutes, not "0 h".
    j = c.json(far[0], far[1], 1, {"--search-window", "100"});
    EXPECT_EQ(reason_ids(j), std::vector<std::string>{"no_match"});
    text = j["reasons"][0]["text"];
    EXPECT_NE(text.find("a token clock more than 50 min off"), std::string::npos) << text;
    j = c.json(far[0], far[1], 1, {"--search-window", "1"});
    text = j["reasons"][0]["text"];
    EXPECT_NE(text.find("a token clock more than 30 s off"), std::string::npos) << text;
    j = c.json(far[0], far[1], 1, {"--search-window", "150"});
    text = j["reasons"][0]["text"];
    EXPECT_NE(text.find("a token clock more than 1 h 15 min off"), std::string::npos) << text;
}

TEST(CliCheck, WithoutSeedOnlyFormatsAreChecked) {
    const auto r = run_cli({"check", "--serial", serial, "--code1", "123456", "--code2", "654321"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("FORMAT OK (not verified)"), std::string::npos);
    EXPECT_NE(r.out.find("cannot be verified offline"), std::string::npos);
    const auto j = nlohmann::json::parse(
        run_cli({"--json", "check", "--serial", serial, "--code1", "123456", "--code2", "654321"})
            .out);
    EXPECT_EQ(j["verdict"], "unverified");
    EXPECT_FALSE(j["verified"].get<bool>());
    EXPECT_FALSE(j["ready"].get<bool>());
}

TEST(CliCheck, WithoutSeedIdenticalCodesAreStillNotReady) {
    const auto r = run_cli({"check", "--serial", serial, "--code1", "123456", "--code2", "123456"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("identical"), std::string::npos);
}

TEST(CliCheck, SerialAwsWouldReject) {
    for (const std::string bad : {"GAKT 12345678", "12345678"}) {
        const auto r =
            run_cli({"--json", "check", "--serial", bad, "--code1", "123456", "--code2", "654321"});
        EXPECT_EQ(r.exit_code, 1) << bad;
        const auto j = nlohmann::json::parse(r.out);
        EXPECT_FALSE(j["serial_accepted_by_aws"].get<bool>());
        EXPECT_EQ(reason_ids(j), std::vector<std::string>{"serial_rejected"});
        EXPECT_NE(j["reasons"][0]["text"].get<std::string>().find("AWS would reject"),
                  std::string::npos);
        EXPECT_TRUE(j["command"].is_null());
    }
}

TEST(CliCheck, UnusualSerialIsAWarningNotAFailure) {
    const auto r = run_cli(
        {"--json", "check", "--serial", "0950380269", "--code1", "123456", "--code2", "654321"});
    EXPECT_EQ(r.exit_code, 0);
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["serial_kind"], "other");
    ASSERT_EQ(j["warnings"].size(), 1U);
    EXPECT_EQ(j["warnings"][0]["id"], "serial_format");
}

TEST(CliCheck, VirtualDeviceArnIsRecognised) {
    const auto r = run_cli({"--json", "check", "--serial", "arn:aws:iam::123456789012:mfa/alice",
                            "--code1", "123456", "--code2", "654321"});
    EXPECT_EQ(r.exit_code, 0) << r.err;  // a warning, not a refusal
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["serial_kind"], "virtual_mfa");
    EXPECT_EQ(j["warnings"][0]["id"], "virtual_device");
}

TEST(CliCheck, UserGetsTheExactEnableCommand) {
    Check c;
    const auto codes = codes_at(c.seed, base_time - 30);
    const auto r = c.run(codes[0], codes[1], {"--user", "alice"});
    ASSERT_EQ(r.exit_code, 0);
    const auto out = lines(r.out);
    EXPECT_EQ(out.back(), "aws iam enable-mfa-device --user-name alice --serial-number " + serial +
                              " --authentication-code1 " + codes[0] + " --authentication-code2 " +
                              codes[1]);
}

TEST(CliCheck, NoCommandWhenNotReady) {
    Check c;
    const auto codes = codes_at(c.seed, base_time - 30);
    const auto r = c.run(codes[1], codes[0], {"--user", "alice"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("NOT READY"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("aws iam"), std::string::npos);
}

TEST(CliCheck, RootGetsConsoleSteps) {
    Check c;
    const auto codes = codes_at(c.seed, base_time - 30);
    const auto r = c.run(codes[0], codes[1], {"--root"});
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("only in the console"), std::string::npos);
    EXPECT_NE(r.out.find("Hardware TOTP token"), std::string::npos);
    EXPECT_NE(r.out.find("MFA code 1: " + codes[0]), std::string::npos);
    EXPECT_EQ(r.out.find("aws iam"), std::string::npos);
}

TEST(CliCheck, JsonHasEveryField) {
    Check c;
    const auto codes = codes_at(c.seed, base_time - 30);
    const auto j = c.json(codes[0], codes[1], 0, {"--user", "alice"});
    for (const char* field : {"verdict",
                              "ready",
                              "verified",
                              "serial",
                              "serial_kind",
                              "serial_accepted_by_aws",
                              "code1",
                              "code2",
                              "time",
                              "time_iso",
                              "reasons",
                              "warnings",
                              "params",
                              "search_radius",
                              "current_step",
                              "pair_found",
                              "pair_step",
                              "pair_offset_steps",
                              "pair_offset_seconds",
                              "clock_offset_steps",
                              "clock_offset_seconds",
                              "seconds_left",
                              "submit_before",
                              "command",
                              "console_steps"}) {
        EXPECT_TRUE(j.contains(field)) << field;
    }
    EXPECT_EQ(j["serial_kind"], "aws_hardware");
    EXPECT_EQ(j["seconds_left"], 50);
    EXPECT_EQ(j["submit_before"], "2026-11-18T11:07:30Z");
    EXPECT_TRUE(j["command"].get<std::string>().starts_with("aws iam enable-mfa-device"));
}

TEST(CliCheck, SeedParametersAwsDoesNotUseAreWarnedAbout) {
    Check c;
    const auto r = run_cli({"--json", "check", "--serial", serial, "--code1", "123456", "--code2",
                            "654321", "--secret-file", c.seed.path(), "--period", "60",
                            "--algorithm", "sha256", "--time", std::to_string(base_time)});
    EXPECT_EQ(r.exit_code, 1);  // the codes are not this seed's at 60 s and SHA-256
    const auto j = nlohmann::json::parse(r.out);
    std::vector<std::string> ids;
    for (const auto& w : j["warnings"])
        ids.push_back(w["id"]);
    EXPECT_EQ(ids, (std::vector<std::string>{"period_not_30", "hash_not_sha1"}));
}

TEST(CliCheck, BadInputIsExitTwo) {
    Check c;
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases{
        {{"check", "--serial", serial, "--code1", "12345", "--code2", "123456"},
         "--code1 has 5 digits (AWS accepts exactly 6)"},
        {{"check", "--serial", serial, "--code1", "1234567", "--code2", "123456"},
         "--code1 has 7 digits"},
        {{"check", "--serial", serial, "--code1", "123456", "--code2", "12a456"},
         "--code2 contains 'a'"},
        {{"check", "--serial", serial, "--code1", "123456", "--code2", "654321", "--user",
          "bob smith"},
         "--user contains a space"},
        {{"check", "--serial", serial, "--code1", "123456", "--code2", "654321", "--user", "a",
          "--root"},
         "exclude each other"},
        {{"check", "--code1", "123456", "--code2", "654321"}, "--serial is required"},
        {{"check", "--serial", serial, "--code1", "123456", "--code2", "654321", "--secret-file",
          c.seed.path(), "--digits", "8"},
         "AWS accepts only 6-digit"},
        {{"check", "--serial", serial, "--code1", "123456", "--code2", "654321", "--uri",
          "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "--token", "X"},
         "more than one key source"},
    };
    for (const auto& k : cases) {
        const auto r = run_cli(k.args);
        EXPECT_EQ(r.exit_code, 2) << k.message << '\n' << r.out;
        EXPECT_NE(r.err.find("hwtotp: error: "), std::string::npos);
        EXPECT_NE(r.err.find(k.message), std::string::npos) << r.err;
    }
}

}  // namespace
}  // namespace hwtotp::test::check_test
