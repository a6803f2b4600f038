#include "hwtotp/aws/commands.h"

#include "hwtotp/totp/terminal_text.h"

namespace hwtotp::aws {
namespace {

std::string device_command(std::string_view verb, const DeviceSubmission& s) {
    std::string line = "aws iam ";
    line += verb;
    line += " --user-name " + shell_quote(s.user) + " --serial-number " + shell_quote(s.serial) +
            " --authentication-code1 " + s.code1.str() + " --authentication-code2 " + s.code2.str();
    return line;
}

}  // namespace

std::string enable_mfa_device_command(const DeviceSubmission& s) {
    return device_command("enable-mfa-device", s);
}

std::string resync_mfa_device_command(const DeviceSubmission& s) {
    return device_command("resync-mfa-device", s);
}

std::vector<std::string> root_enable_console_steps(std::string_view serial, const Code& code1,
                                                   const Code& code2) {
    // AWS refuses root MFA changes from the CLI and API: the console is the only way.
    return {
        "Sign in to the AWS Management Console as the root user (email and password).",
        "Open the account menu (top right) > Security credentials.",
        "Under Multi-factor authentication (MFA), choose Assign MFA device.",
        "Name the device, choose Hardware TOTP token, then Next.",
        "Serial number: " + std::string(serial),
        "MFA code 1: " + code1.str(),
        "MFA code 2: " + code2.str(),
        "Choose Add MFA right away: the codes expire.",
    };
}

std::vector<std::string> root_resync_console_steps(const Code& code1, const Code& code2) {
    return {
        "Sign in as the root user; at the MFA prompt choose Having problems with your "
        "authentication device? > Re-Sync With Our Servers (or, when signed in: Security "
        "credentials > the device > Resync).",
        "MFA code 1: " + code1.str(),
        "MFA code 2: " + code2.str(),
        "Submit right away: the codes expire.",
    };
}

}  // namespace hwtotp::aws
