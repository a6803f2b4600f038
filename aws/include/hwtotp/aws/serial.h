#pragma once
// AWS IAM's rules for MFA serial numbers, authentication codes and user names.
//
// The shapes come from the IAM API model (botocore service-2.json): SerialNumber is 9 to 256
// characters of [\w+=/:,.@-]; AuthenticationCode1/2 are exactly 6 digits; an existing user's
// name is 1 to 128 characters of [\w+=,.@-]. AWS validates these before anything else, so
// checking them here turns a confusing ValidationError into a precise message up front.

#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/totp/code.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::aws {

// What a serial looks like. AWS-issued hardware tokens (Thales/Gemalto) print four letters
// and eight digits (GAKT12345678); virtual devices are ARNs arn:aws:iam::<12 digits>:mfa/<name>.
enum class SerialKind {
    aws_hardware,  // ^[A-Z]{4}[0-9]{8}$
    virtual_mfa,   // arn:<partition>:iam::<12 digits>:mfa/<name>
    fido,          // arn:<partition>:iam::<12 digits>:u2f/... (never a TOTP device)
    other,         // accepted by the API shape, but not a format AWS issues for TOTP tokens
};

[[nodiscard]] std::string_view serial_kind_name(SerialKind kind);  // "aws_hardware", ...

struct SerialCheck {
    SerialKind kind = SerialKind::other;
    // False when the API would refuse the value outright (length or characters).
    bool accepted_by_aws = false;
    std::vector<std::string> problems;  // why AWS would refuse it (empty when accepted)
    std::vector<std::string> warnings;  // accepted, but probably not what the user meant
};

// Classifies and validates a serial; never fails (a bad serial is a finding, not an error).
[[nodiscard]] SerialCheck check_serial(std::string_view serial);

// Exactly 6 ASCII digits, as AWS accepts for AuthenticationCode1/2 (no other length).
// `what` names the input in the message ("--code1").
[[nodiscard]] Result<Code> parse_aws_code(std::string_view text, std::string_view what);

// An existing IAM user name: 1-128 characters of [\w+=,.@-]. `what` names the option.
[[nodiscard]] Result<std::string> validate_user_name(std::string_view name, std::string_view what);

}  // namespace hwtotp::aws
