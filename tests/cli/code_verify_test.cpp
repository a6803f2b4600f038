// code and verify through the real binary, against the RFC vectors in vectors/.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_cli.h"
#include "vectors.h"

namespace hwtotp::test {
namespace {

TEST(CliCode, AllEighteenRfc6238Vectors) {
    for (const auto& row : read_vector_file("rfc6238-appendix-b.txt")) {
        const auto r = run_cli(
            {"code", "--hex", row[5], "--algorithm", row[4], "--digits", "8", "--time", row[0]});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, row[3] + "\n") << row[0] << ' ' << row[4];
    }
}

TEST(CliCode, IsoTimeGivesTheSameCodeAsUnixSeconds) {
    for (const auto& row : read_vector_file("rfc6238-appendix-b.txt")) {
        const auto r = run_cli(
            {"code", "--hex", row[5], "--algorithm", row[4], "--digits", "8", "--time", row[1]});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, row[3] + "\n") << row[1];
    }
}

TEST(CliCode, AllTenRfc4226VectorsAsHotp) {
    for (const auto& row : read_vector_file("rfc4226-appendix-d.txt")) {
        const auto r = run_cli({"code", "--hex", "3132333435363738393031323334353637383930",
                                "--hotp", "--counter", row[0]});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, row[4] + "\n") << "count " << row[0];
    }
}

// The last two counters give two codes; a count past them is refused rather than printing the
// last code again (the counter used to stop at its maximum: 488204, 094451, 094451, 094451).
TEST(CliCode, CountEndsAtTheLastCounterAndNeverRepeatsIt) {
    const std::vector<std::string> base{"--json",
                                        "code",
                                        "--hex",
                                        "3132333435363738393031323334353637383930",
                                        "--hotp",
                                        "--counter",
                                        "9223372036854775806"};
    auto args = base;
    args.insert(args.end(), {"--count", "2"});
    auto r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["codes"].size(), 2U);
    EXPECT_EQ(j["codes"][0]["counter"], 9223372036854775806ULL);
    EXPECT_EQ(j["codes"][1]["counter"], 9223372036854775807ULL);  // the largest counter (2^63-1)
    EXPECT_NE(j["codes"][0]["code"], j["codes"][1]["code"]);

    for (const bool json : {true, false}) {
        args = base;
        if (!json)
            args.erase(args.begin());
        args.insert(args.end(), {"--count", "4"});
        r = run_cli(args);
        EXPECT_EQ(r.exit_code, 2);
        EXPECT_EQ(r.out, "");
        EXPECT_NE(r.err.find("hwtotp: error: --count 4 runs past the last HOTP counter"),
                  std::string::npos)
            << r.err;
    }
}

TEST(CliCode, CountPrintsConsecutiveHotpCodes) {
    const auto rows = read_vector_file("rfc4226-appendix-d.txt");
    const auto r = run_cli({"code", "--hex", "3132333435363738393031323334353637383930", "--hotp",
                            "--counter", "0", "--count", "10"});
    ASSERT_EQ(r.exit_code, 0);
    const auto printed = lines(r.out);
    ASSERT_EQ(printed.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
        EXPECT_EQ(printed[i], rows[i][4]);
}

TEST(CliCode, SecretFileFromStdinKeepsTheSeedOutOfArgv) {
    // base32 of "12345678901234567890"
    CliOptions options;
    options.stdin_text = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n";
    const auto r =
        run_cli({"code", "--secret-file", "-", "--digits", "8", "--time", "59"}, options);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "94287082\n");
    EXPECT_EQ(r.err, "");  // no "visible in ps" warning for this source
}

TEST(CliCode, SeedOnTheCommandLineIsWarnedAbout) {
    const auto r =
        run_cli({"code", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "--time", "59"});
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_NE(r.err.find("--secret-file -"), std::string::npos);
    EXPECT_EQ(r.err.find("GEZDGNBV"), std::string::npos);
}

TEST(CliCode, JsonHasStableFields) {
    const auto r =
        run_cli({"--json", "code", "--uri",
                 "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8",
                 "--time", "1111111109", "--count", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["type"], "totp");
    EXPECT_EQ(j["digits"], 8);
    EXPECT_EQ(j["step"], 0x23523EC);
    EXPECT_EQ(j["seconds_left"], 1);
    ASSERT_EQ(j["codes"].size(), 2U);
    EXPECT_EQ(j["codes"][0]["code"], "07081804");  // RFC 6238
    EXPECT_EQ(j["codes"][1]["code"], "14050471");  // RFC 6238, t = 1111111111 (next step)
    EXPECT_EQ(r.out.find("GEZDGNBV"), std::string::npos);
}

TEST(CliVerify, MatchReportsTheOffsetAndMissExitsOne) {
    const std::string seed = "3132333435363738393031323334353637383930";
    // 94287082 is the code of step 1; at t = 119 (step 3) it is two steps behind.
    auto r = run_cli(
        {"verify", "--hex", seed, "--digits", "8", "--time", "119", "--window", "2", "94287082"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("offset -2 steps (-60 s)"), std::string::npos) << r.out;
    r = run_cli(
        {"verify", "--hex", seed, "--digits", "8", "--time", "119", "--window", "1", "94287082"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "no match in ±1 step\n");
}

TEST(CliVerify, JsonForAMatch) {
    const auto r = run_cli({"--json", "verify", "--hex", "3132333435363738393031323334353637383930",
                            "--digits", "8", "--time", "1111111111", "07081804"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["valid"], true);
    EXPECT_EQ(j["offset_steps"], -1);
    EXPECT_EQ(j["offset_seconds"], -30);
    EXPECT_EQ(j["matched_step"], 0x23523EC);
}

TEST(CliVerify, TenMillionStepWindowWithoutTheCode) {
    const auto r =
        run_cli({"verify", "--hex", "3132333435363738393031323334353637383930", "--digits", "8",
                 "--window", "5000000", "--time", "1700000000", "00000000"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "no match in ±5000000 steps\n");
}

TEST(CliVerify, WideSingleCodeMatchIsFlagged) {
    const std::string seed = "3132333435363738393031323334353637383930";
    const auto r =
        run_cli({"verify", "--hex", seed, "--time", "59", "--window", "3000000", "287082"});
    ASSERT_EQ(r.exit_code, 0) << r.err;  // RFC 4226 count 1 == TOTP step 1, 6 digits
    EXPECT_NE(r.err.find("proves little"), std::string::npos) << r.err;
}

TEST(CliVerify, HotpLooksAheadFromTheCounter) {
    const std::string seed = "3132333435363738393031323334353637383930";
    // The window is inclusive: counters 2..8.
    auto r =
        run_cli({"verify", "--hex", seed, "--hotp", "--counter", "2", "--window", "6", "399871"});
    ASSERT_EQ(r.exit_code, 0) << r.err;  // RFC 4226 count 8
    EXPECT_NE(r.out.find("counter 8"), std::string::npos) << r.out;
    r = run_cli({"verify", "--hex", seed, "--hotp", "--counter", "2", "--window", "5", "399871"});
    EXPECT_EQ(r.exit_code, 1);  // one past the window's end
    r = run_cli({"verify", "--hex", seed, "--hotp", "--counter", "2", "--window", "5", "755224"});
    EXPECT_EQ(r.exit_code, 1);  // count 0 is behind the counter
}

TEST(CliGlobal, VersionAndHelpWithExamples) {
    auto r = run_cli({"--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.rfind("hwtotp ", 0), 0U);
    // README: every command's --help shows an example of that command. (device list and device
    // serial get theirs on another branch.)
    const std::vector<std::vector<std::string>> commands{{"code"},
                                                         {"verify"},
                                                         {"check"},
                                                         {"enroll"},
                                                         {"resync"},
                                                         {"drift"},
                                                         {"simulate"},
                                                         {"import"},
                                                         {"audit"},
                                                         {"tokens", "list"},
                                                         {"tokens", "show"},
                                                         {"tokens", "remove"},
                                                         {"tokens", "unlock"},
                                                         {"registry", "copy"}};
    for (const auto& cmd : commands) {
        std::string name = "hwtotp";
        for (const auto& word : cmd)
            name += " " + word;
        std::vector<std::string> args = cmd;
        args.emplace_back("--help");
        r = run_cli(args);
        EXPECT_EQ(r.exit_code, 0) << name;
        const auto example = r.out.find("Example");  // "Example:" or "Examples:"
        ASSERT_NE(example, std::string::npos) << name << " --help has no example:\n" << r.out;
        EXPECT_NE(r.out.find(name + " ", example), std::string::npos)
            << name << " --help shows no example of itself:\n"
            << r.out;
    }
}

// limits.h on the command line: a seed over 1 KiB is refused before it is decoded (code
// --secret once computed with a 75 KB seed); one under 16 bytes works, with RFC 4226's warning.
TEST(CliLimits, SeedOver1KiBIsRefusedAndUnder16BytesWarns) {
    auto r = run_cli({"code", "--secret", std::string(120000, 'A'), "--time", "59"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines(r.err).back(),
              "hwtotp: error: --secret: the seed is 75000 bytes (accepted: 1 to 1024 bytes)");
    r = run_cli({"code", "--hex", std::string(2050, 'a'), "--time", "59"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines(r.err).back(),
              "hwtotp: error: --hex: the seed is 1025 bytes (accepted: 1 to 1024 bytes)");
    EXPECT_EQ(run_cli({"code", "--hex", std::string(2048, 'a'), "--time", "59"}).exit_code, 0);

    CliOptions options;
    options.stdin_text = "hex:31323334353637383930\n";  // 10 bytes
    r = run_cli({"code", "--secret-file", "-", "--time", "59"}, options);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err,
              "hwtotp: warning: --secret-file -: the seed is 10 bytes; RFC 4226 requires at least "
              "16 (128 bits)\n");
}

TEST(CliLimits, HotpCounterAbove2To63Minus1IsRefused) {
    const std::string seed = "3132333435363738393031323334353637383930";
    auto r = run_cli({"code", "--hex", seed, "--hotp", "--counter", "9223372036854775807"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    r = run_cli({"code", "--hex", seed, "--hotp", "--counter", "9223372036854775808"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines(r.err).back(),
              "hwtotp: error: --counter '9223372036854775808' is not accepted (accepted: a whole "
              "number from 0 to 9223372036854775807)");
}

}  // namespace
}  // namespace hwtotp::test
