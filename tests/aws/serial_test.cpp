#include <gtest/gtest.h>

#include "hwtotp/aws/commands.h"
#include "hwtotp/aws/serial.h"

namespace hwtotp::aws {
namespace {

struct SerialCase {
    const char* serial;
    SerialKind kind;
    bool accepted;
    bool warns;
};

class SerialRules : public ::testing::TestWithParam<SerialCase> {};

TEST_P(SerialRules, ClassifiesAndValidates) {
    const auto& c = GetParam();
    const auto r = check_serial(c.serial);
    EXPECT_EQ(r.kind, c.kind) << c.serial;
    EXPECT_EQ(r.accepted_by_aws, c.accepted) << c.serial;
    EXPECT_EQ(r.problems.empty(), c.accepted) << c.serial;
    EXPECT_EQ(!r.warnings.empty(), c.warns) << c.serial;
}

INSTANTIATE_TEST_SUITE_P(
    Aws, SerialRules,
    ::testing::Values(
        SerialCase{"GAKT12345678", SerialKind::aws_hardware, true, false},
        SerialCase{"GAHT12345678", SerialKind::aws_hardware, true, false},
        SerialCase{"arn:aws:iam::123456789012:mfa/BobsMFADevice", SerialKind::virtual_mfa, true,
                   true},
        SerialCase{"arn:aws-us-gov:iam::123456789012:mfa/root-account-mfa-device",
                   SerialKind::virtual_mfa, true, true},
        SerialCase{"arn:aws:iam::123456789012:u2f/user/Bob/fidosecuritykey1-7XNL7NFNLZ1",
                   SerialKind::fido, true, true},
        SerialCase{"arn:aws:iam::1234:mfa/x", SerialKind::other, true, true},
        SerialCase{"0950380269", SerialKind::other, true, true},    // a vendor serial
        SerialCase{"gakt12345678", SerialKind::other, true, true},  // lowercase: not AWS's
        SerialCase{"GAKT1234567", SerialKind::other, true, true},   // 4 + 7
        SerialCase{"12345678", SerialKind::other, false, false},    // 8: too short for AWS
        SerialCase{"GAKT 1234 5678", SerialKind::other, false, false},
        SerialCase{"GAKT#12345678", SerialKind::other, false, false}));

TEST(Serial, ProblemsSayWhatAwsRejects) {
    const auto short_one = check_serial("12345678");
    ASSERT_EQ(short_one.problems.size(), 1U);
    EXPECT_NE(short_one.problems[0].find("shorter than 9"), std::string::npos);
    const auto spaced = check_serial("GAKT 12345678");
    ASSERT_EQ(spaced.problems.size(), 1U);
    EXPECT_NE(spaced.problems[0].find("a space at position 5"), std::string::npos);
    EXPECT_FALSE(check_serial(std::string(257, 'A')).accepted_by_aws);
    EXPECT_TRUE(check_serial(std::string(256, 'A')).accepted_by_aws);
}

TEST(Codes, ExactlySixDigits) {
    EXPECT_TRUE(parse_aws_code("012345", "--code1"));
    EXPECT_EQ(parse_aws_code("012345", "--code1")->str(), "012345");
    for (const char* bad : {"", "12345", "1234567", "12345678", "12a456", " 123456", "１２３"}) {
        const auto r = parse_aws_code(bad, "--code1");
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
        EXPECT_EQ(r.error().message.rfind("--code1", 0), 0U);
    }
}

TEST(UserNames, FollowTheIamShape) {
    EXPECT_TRUE(validate_user_name("alice", "--user"));
    EXPECT_TRUE(validate_user_name("a.b+c=d,e@f_g-h", "--user"));
    EXPECT_TRUE(validate_user_name(std::string(128, 'a'), "--user"));
    EXPECT_FALSE(validate_user_name(std::string(129, 'a'), "--user"));
    EXPECT_FALSE(validate_user_name("", "--user"));
    EXPECT_FALSE(validate_user_name("bob smith", "--user"));
    EXPECT_FALSE(validate_user_name("a/b", "--user"));  // '/' is for serials, not users
    EXPECT_FALSE(validate_user_name("bob;rm", "--user"));
}

TEST(Commands, EnableAndResyncLines) {
    const DeviceSubmission s{"Richard", "ABCD12345678", *Code::parse("123456"),
                             *Code::parse("987654")};
    EXPECT_EQ(resync_mfa_device_command(s),
              "aws iam resync-mfa-device --user-name Richard --serial-number ABCD12345678 "
              "--authentication-code1 123456 --authentication-code2 987654");
    EXPECT_EQ(enable_mfa_device_command(s),
              "aws iam enable-mfa-device --user-name Richard --serial-number ABCD12345678 "
              "--authentication-code1 123456 --authentication-code2 987654");
}

TEST(Commands, ArgumentsAreShellQuoted) {
    // A serial from a seed file or a registry may hold shell syntax or control characters: the
    // printed line must still be one command that passes exactly these arguments.
    const DeviceSubmission s{"Richard", "GAKT;id'x", *Code::parse("123456"),
                             *Code::parse("987654")};
    EXPECT_EQ(enable_mfa_device_command(s),
              "aws iam enable-mfa-device --user-name Richard --serial-number 'GAKT;id'\\''x' "
              "--authentication-code1 123456 --authentication-code2 987654");
    const DeviceSubmission e{"Richard", "GAKT\x1b]0;t\x07", *Code::parse("123456"),
                             *Code::parse("987654")};
    EXPECT_EQ(resync_mfa_device_command(e),
              "aws iam resync-mfa-device --user-name Richard --serial-number $'GAKT\\x1b]0;t\\x07' "
              "--authentication-code1 123456 --authentication-code2 987654");
}

TEST(Commands, RootStepsNameTheSerialAndCodes) {
    const auto steps =
        root_enable_console_steps("GAKT12345678", *Code::parse("123456"), *Code::parse("987654"));
    std::string all;
    for (const auto& s : steps)
        all += s + '\n';
    EXPECT_NE(all.find("Hardware TOTP token"), std::string::npos);
    EXPECT_NE(all.find("GAKT12345678"), std::string::npos);
    EXPECT_NE(all.find("MFA code 2: 987654"), std::string::npos);
}

}  // namespace
}  // namespace hwtotp::aws
