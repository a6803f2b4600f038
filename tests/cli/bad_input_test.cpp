// Bad input: exit 2 and exactly one line "hwtotp: error: ..." naming the input and what is
// accepted. Never a crash, an abort or a stack trace.
#include <gtest/gtest.h>

#include "run_cli.h"

namespace hwtotp::test {
namespace {

struct BadInput {
    std::vector<std::string> args;
    std::string must_mention;  // the input named in the message
};

void PrintTo(const BadInput& c, std::ostream* os) {
    *os << "hwtotp";
    for (const auto& a : c.args)
        *os << ' ' << a;
}

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, ExitsTwoWithOneErrorLine) {
    const auto& c = GetParam();
    const auto r = run_cli(c.args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    std::vector<std::string> errors;
    for (const auto& line : lines(r.err)) {
        if (line.rfind("hwtotp: warning:", 0) == 0)
            continue;
        errors.push_back(line);
    }
    ASSERT_EQ(errors.size(), 1U) << r.err;
    EXPECT_EQ(errors[0].rfind("hwtotp: error: ", 0), 0U) << errors[0];
    EXPECT_NE(errors[0].find(c.must_mention), std::string::npos) << errors[0];
}

const std::string seed = "3132333435363738393031323334353637383930";

INSTANTIATE_TEST_SUITE_P(
    Catalogue, CliBadInput,
    ::testing::Values(
        BadInput{{"code", "--secret", "ABCDEFG1"}, "'1' at position 8"},
        BadInput{{"code", "--secret", "ABCDEFG8"}, "'8' at position 8"},
        BadInput{{"code", "--secret", "ABCDEFG0"}, "'0' at position 8"},
        BadInput{{"code", "--secret", "ABC"}, "length"},
        BadInput{{"code", "--hex", "123"}, "odd number"},
        BadInput{{"code", "--hex", seed, "--digits", "5"}, "--digits"},
        BadInput{{"code", "--hex", seed, "--digits", "9"}, "6 to 8"},
        BadInput{{"code", "--hex", seed, "--period", "0"}, "--period"},
        BadInput{{"code", "--hex", seed, "--algorithm", "md5"}, "sha1, sha256, sha512"},
        BadInput{{"code", "--hex", seed, "--time", "yesterday"}, "--time"},
        BadInput{{"code", "--hex", seed, "--t0", "100", "--time", "99"}, "before T0"},
        BadInput{{"code", "--hex", seed, "--count", "0"}, "--count"},
        BadInput{{"code", "--hex", seed, "--secret", "MZXW6YTBOI"}, "more than one key source"},
        BadInput{{"code"}, "no key given"},
        BadInput{{"code", "--uri", "otpauth://totp/x?secret=MZXW6YTBOI&digits=6", "--digits", "8"},
                 "contradicts"},
        BadInput{{"code", "--uri", "http://example.com"}, "otpauth"},
        BadInput{{"code", "--secret-file", "/nonexistent/seed"}, "/nonexistent/seed"},
        BadInput{{"code", "--hex", seed, "--counter", "5"}, "--hotp"},
        BadInput{{"verify", "--hex", seed, "12a456"}, "CODE"},
        BadInput{{"verify", "--hex", seed, "12345"}, "CODE"},
        BadInput{{"verify", "--hex", seed, "--digits", "8", "123456"}, "--digits"},
        BadInput{{"verify", "--hex", seed, "--window", "-1", "123456"}, "--window"},
        BadInput{{"verify", "--hex", seed}, "CODE"}, BadInput{{"nosuchcommand"}, "nosuchcommand"},
        BadInput{{"code", "--no-such-option"}, "--no-such-option"}),
    [](const ::testing::TestParamInfo<BadInput>& param_info) {
        return "case" + std::to_string(param_info.index);
    });

TEST(CliBadInputSecrets, ErrorsNeverEchoTheSeed) {
    const auto r = run_cli({"code", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err.find("GEZDGNBV"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace hwtotp::test
