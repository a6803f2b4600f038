#pragma once
// The ARN shapes the audit relies on, matched exactly (no substring tests: "root" in an ARN
// also matches arn:aws:iam::…:user/rootadmin).

#include <optional>
#include <string>
#include <string_view>

namespace hwtotp::aws {

// True for the root user's ARN in any partition: ^arn:aws(-[a-z-]+)?:iam::\d{12}:root$
// (arn:aws:, arn:aws-cn:, arn:aws-us-gov:, …).
[[nodiscard]] bool is_root_arn(std::string_view arn);

// The 12-digit account id of an IAM ARN ("arn:<partition>:iam::<12 digits>:…"), or nullopt.
[[nodiscard]] std::optional<std::string> account_id_of_arn(std::string_view arn);

// True for the legacy root virtual-device serial "arn:…:iam::<acct>:mfa/root-account-mfa-device"
// (used only when a listing entry has no User block).
[[nodiscard]] bool is_legacy_root_virtual_serial(std::string_view serial);

// How a serial number looks: an AWS hardware TOTP token (four letters, eight digits, e.g.
// GAKT12345678), a virtual device ARN (…:mfa/…), a FIDO security key ARN (…:u2f/…), or other.
enum class SerialShape { hardware_totp, virtual_arn, fido_arn, other };
[[nodiscard]] SerialShape serial_shape(std::string_view serial);

}  // namespace hwtotp::aws
