// The ARN shapes: exact matches only (Prowler's old `"root" in Arn` matched user/rootadmin).
#include <gtest/gtest.h>

#include "hwtotp/aws/audit_arn.h"

namespace hwtotp::aws {
namespace {

struct RootCase {
    const char* arn;
    bool root;
};

class RootArn : public testing::TestWithParam<RootCase> {};

TEST_P(RootArn, Matches) {
    EXPECT_EQ(is_root_arn(GetParam().arn), GetParam().root) << GetParam().arn;
}

INSTANTIATE_TEST_SUITE_P(Shapes, RootArn,
                         testing::Values(RootCase{"arn:aws:iam::123456789012:root", true},
                                         RootCase{"arn:aws-cn:iam::123456789012:root", true},
                                         RootCase{"arn:aws-us-gov:iam::123456789012:root", true},
                                         RootCase{"arn:aws-iso-b:iam::123456789012:root", true},
                                         RootCase{"arn:aws:iam::123456789012:user/rootadmin",
                                                  false},
                                         RootCase{"arn:aws:iam::123456789012:user/root", false},
                                         RootCase{"arn:aws:iam::123456789012:rootx", false},
                                         RootCase{"arn:aws:iam::123456789012:root ", false},
                                         RootCase{"arn:aws:iam::12345678901:root", false},
                                         RootCase{"arn:aws:iam::1234567890123:root", false},
                                         RootCase{"arn:aws:iam::fakearn:root", false},
                                         RootCase{"arn:aws:sts::123456789012:root", false},
                                         RootCase{"arn:aws-:iam::123456789012:root", false},
                                         RootCase{"arn:awsx:iam::123456789012:root", false},
                                         RootCase{"arn:aws:iam:us-east-1:123456789012:root", false},
                                         RootCase{"", false}));

TEST(AccountId, FromIamArns) {
    EXPECT_EQ(account_id_of_arn("arn:aws:iam::123456789012:root"), "123456789012");
    EXPECT_EQ(account_id_of_arn("arn:aws:iam::123456789012:mfa/x"), "123456789012");
    EXPECT_EQ(account_id_of_arn("arn:aws-cn:iam::000000000001:user/a"), "000000000001");
    EXPECT_FALSE(account_id_of_arn("GAKT12345678").has_value());
    EXPECT_FALSE(account_id_of_arn("arn:aws:iam::123456789012:").has_value());
    EXPECT_FALSE(account_id_of_arn("arn:aws:iam::12345:root").has_value());
}

TEST(LegacyRootSerial, ExactSuffixOnly) {
    EXPECT_TRUE(
        is_legacy_root_virtual_serial("arn:aws:iam::123456789012:mfa/root-account-mfa-device"));
    EXPECT_FALSE(
        is_legacy_root_virtual_serial("arn:aws:iam::123456789012:mfa/root-account-mfa-device2"));
    EXPECT_FALSE(is_legacy_root_virtual_serial("arn:aws:iam::123456789012:mfa/my-phone"));
    EXPECT_FALSE(is_legacy_root_virtual_serial("root-account-mfa-device"));
}

TEST(SerialShape, Kinds) {
    EXPECT_EQ(serial_shape("GAKT12345678"), SerialShape::hardware_totp);
    EXPECT_EQ(serial_shape("GAHT12345678"), SerialShape::hardware_totp);
    EXPECT_EQ(serial_shape("arn:aws:iam::123456789012:mfa/Bob"), SerialShape::virtual_arn);
    EXPECT_EQ(serial_shape("arn:aws:iam::123456789012:u2f/user/Bob/fidosecuritykey1-X"),
              SerialShape::fido_arn);
    EXPECT_EQ(serial_shape("gakt12345678"), SerialShape::other);
    EXPECT_EQ(serial_shape("GAKT1234567"), SerialShape::other);
}

}  // namespace
}  // namespace hwtotp::aws
