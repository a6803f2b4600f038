#include "hwtotp/aws/audit_arn.h"

#include "ascii.h"

namespace hwtotp::aws {
namespace {

using ascii::is_digit;
using ascii::is_lower;
using ascii::is_upper;

// Consumes "arn:aws(-[a-z-]+)?:iam::<12 digits>:" from the front of `s`; returns the account id.
std::optional<std::string> eat_iam_prefix(std::string_view& s) {
    constexpr std::string_view arn_aws = "arn:aws";
    if (s.substr(0, arn_aws.size()) != arn_aws)
        return std::nullopt;
    s.remove_prefix(arn_aws.size());
    if (!s.empty() && s.front() == '-') {
        // A partition suffix: "-cn", "-us-gov", "-iso-b", ...: a dash, then letters and dashes.
        s.remove_prefix(1);
        std::size_t n = 0;
        while (n < s.size() && (is_lower(s[n]) || s[n] == '-'))
            ++n;
        if (n == 0)
            return std::nullopt;
        s.remove_prefix(n);
    }
    constexpr std::string_view iam = ":iam::";
    if (s.substr(0, iam.size()) != iam)
        return std::nullopt;
    s.remove_prefix(iam.size());
    if (s.size() < 13)
        return std::nullopt;
    for (std::size_t i = 0; i < 12; ++i) {
        if (!is_digit(s[i]))
            return std::nullopt;
    }
    if (s[12] != ':')
        return std::nullopt;
    std::string account(s.substr(0, 12));
    s.remove_prefix(13);
    return account;
}

}  // namespace

bool is_root_arn(std::string_view arn) {
    return eat_iam_prefix(arn).has_value() && arn == "root";
}

std::optional<std::string> account_id_of_arn(std::string_view arn) {
    auto account = eat_iam_prefix(arn);
    if (!account || arn.empty())
        return std::nullopt;
    return account;
}

bool is_legacy_root_virtual_serial(std::string_view serial) {
    return eat_iam_prefix(serial).has_value() && serial == "mfa/root-account-mfa-device";
}

SerialShape serial_shape(std::string_view serial) {
    std::string_view rest = serial;
    if (eat_iam_prefix(rest)) {
        if (rest.substr(0, 4) == "mfa/")
            return SerialShape::virtual_arn;
        if (rest.substr(0, 4) == "u2f/")
            return SerialShape::fido_arn;
        return SerialShape::other;
    }
    if (serial.size() == 12) {
        bool ok = true;
        for (std::size_t i = 0; i < 12; ++i)
            ok = ok && (i < 4 ? is_upper(serial[i]) : is_digit(serial[i]));
        if (ok)
            return SerialShape::hardware_totp;
    }
    return SerialShape::other;
}

}  // namespace hwtotp::aws
