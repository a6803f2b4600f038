#pragma once
// What to submit to AWS: exact `aws iam` command lines and the root user's console steps.
//
// Every argument is shell-quoted (shell_quote, totp/terminal_text.h): the characters AWS
// accepts in a user name or serial need no quotes, so valid inputs print as they are, and
// anything else (a serial from a file, a name from a report) cannot turn one command into two
// or write control sequences to the terminal.

#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/totp/code.h"

namespace hwtotp::aws {

struct DeviceSubmission {
    std::string user;    // IAM user name (validated)
    std::string serial;  // device serial (accepted by AWS's shape)
    Code code1;
    Code code2;
};

// aws iam enable-mfa-device --user-name U --serial-number S --authentication-code1 C1
//   --authentication-code2 C2
[[nodiscard]] std::string enable_mfa_device_command(const DeviceSubmission& s);
// aws iam resync-mfa-device --user-name U --serial-number S --authentication-code1 C1
//   --authentication-code2 C2
[[nodiscard]] std::string resync_mfa_device_command(const DeviceSubmission& s);

// AWS allows hardware MFA for the root user only in the console; these are the steps, with the
// serial and codes filled in.
[[nodiscard]] std::vector<std::string> root_enable_console_steps(std::string_view serial,
                                                                 const Code& code1,
                                                                 const Code& code2);
// The root user's resync, from the sign-in page or the Security credentials page.
[[nodiscard]] std::vector<std::string> root_resync_console_steps(const Code& code1,
                                                                 const Code& code2);

}  // namespace hwtotp::aws
