#include "hwtotp/aws/serial.h"

#include <algorithm>

#include "ascii.h"

namespace hwtotp::aws {
namespace {

constexpr std::size_t min_serial = 9;  // botocore serialNumberType
constexpr std::size_t max_serial = 256;
constexpr std::size_t max_user = 128;  // existingUserNameType

using ascii::is_digit;
using ascii::is_upper;
using ascii::is_word;

// [\w+=/:,.@-]
bool serial_char(char c) {
    return is_word(c) || std::string_view("+=/:,.@-").find(c) != std::string_view::npos;
}
// [\w+=,.@-]
bool user_char(char c) {
    return is_word(c) || std::string_view("+=,.@-").find(c) != std::string_view::npos;
}

// How a character is named in a message: printable ASCII as itself, anything else by code.
std::string describe_char(char c) {
    if (c == ' ')
        return "a space";
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7f)
        return std::string("'") + c + "'";
    static constexpr char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[u >> 4] + hex[u & 0xf];
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// arn:<partition>:iam::<12 digits>:<resource>; returns the resource or empty.
std::string_view arn_resource(std::string_view serial) {
    for (std::string_view partition : {"arn:aws:", "arn:aws-us-gov:", "arn:aws-cn:"}) {
        if (!serial.starts_with(partition))
            continue;
        std::string_view rest = serial.substr(partition.size());
        if (!rest.starts_with("iam::"))
            return {};
        rest.remove_prefix(5);
        if (rest.size() < 13 || !all_digits(rest.substr(0, 12)) || rest[12] != ':')
            return {};
        return rest.substr(13);
    }
    return {};
}

}  // namespace

std::string_view serial_kind_name(SerialKind kind) {
    switch (kind) {
        case SerialKind::aws_hardware:
            return "aws_hardware";
        case SerialKind::virtual_mfa:
            return "virtual_mfa";
        case SerialKind::fido:
            return "fido";
        case SerialKind::other:
            return "other";
    }
    return "other";
}

SerialCheck check_serial(std::string_view serial) {
    SerialCheck r;
    if (serial.size() < min_serial) {
        r.problems.push_back("the serial has " + std::to_string(serial.size()) +
                             " characters; AWS rejects serials shorter than 9");
    } else if (serial.size() > max_serial) {
        r.problems.push_back("the serial has " + std::to_string(serial.size()) +
                             " characters; AWS rejects serials longer than 256");
    }
    const auto bad = std::find_if_not(serial.begin(), serial.end(), serial_char);
    if (bad != serial.end()) {
        r.problems.push_back(
            "the serial contains " + describe_char(*bad) + " at position " +
            std::to_string(bad - serial.begin() + 1) +
            "; AWS accepts only letters, digits and _+=/:,.@- (type the serial without "
            "spaces)");
    }
    r.accepted_by_aws = r.problems.empty();

    const std::string_view resource = arn_resource(serial);
    if (serial.size() == 12 && std::all_of(serial.begin(), serial.begin() + 4, is_upper) &&
        all_digits(serial.substr(4))) {
        r.kind = SerialKind::aws_hardware;
    } else if (resource.starts_with("mfa/") && resource.size() > 4) {
        r.kind = SerialKind::virtual_mfa;
        r.warnings.push_back(
            "this is a virtual MFA device's ARN: AWS audits (CIS, Security Hub IAM.6) do not "
            "count it as hardware MFA");
    } else if (resource.starts_with("u2f/")) {
        r.kind = SerialKind::fido;
        r.warnings.push_back(
            "this is a FIDO security key's ARN: FIDO keys make no TOTP codes and are "
            "registered without codes");
    } else {
        r.kind = SerialKind::other;
        if (serial.starts_with("arn:")) {
            r.warnings.push_back(
                "the serial starts with arn: but is not arn:aws:iam::<12 digits>:mfa/<name>");
        } else if (r.accepted_by_aws) {
            r.warnings.push_back(
                "not the usual AWS hardware serial format (four letters and eight digits, "
                "such as GAKT12345678): AWS accepts only tokens it sold, so check the serial "
                "on the back of the token");
        }
    }
    return r;
}

Result<Code> parse_aws_code(std::string_view text, std::string_view what) {
    const std::string name(what);
    if (text.empty())
        return fail(ErrorCode::invalid_input, name + " is empty (AWS accepts exactly 6 digits)");
    const auto bad = std::find_if_not(text.begin(), text.end(), is_digit);
    if (bad != text.end()) {
        return fail(ErrorCode::invalid_input,
                    name + " contains " + describe_char(*bad) +
                        " (AWS accepts exactly 6 digits, as the token shows them)");
    }
    if (text.size() != 6) {
        return fail(ErrorCode::invalid_input, name + " has " + std::to_string(text.size()) +
                                                  " digits (AWS accepts exactly 6)");
    }
    return Code::parse(text, what);
}

Result<std::string> validate_user_name(std::string_view name, std::string_view what) {
    const std::string option(what);
    if (name.empty())
        return fail(ErrorCode::invalid_input, option + " is empty (an IAM user name)");
    if (name.size() > max_user) {
        return fail(ErrorCode::invalid_input, option + " has " + std::to_string(name.size()) +
                                                  " characters; IAM user names have at most 128");
    }
    const auto bad = std::find_if_not(name.begin(), name.end(), user_char);
    if (bad != name.end()) {
        return fail(ErrorCode::invalid_input,
                    option + " contains " + describe_char(*bad) + " at position " +
                        std::to_string(bad - name.begin() + 1) +
                        "; IAM user names use only letters, digits and _+=,.@-");
    }
    return std::string(name);
}

}  // namespace hwtotp::aws
