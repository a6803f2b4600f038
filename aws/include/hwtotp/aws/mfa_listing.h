#pragma once
// One page of `aws iam list-virtual-mfa-devices` or `aws iam list-mfa-devices` JSON output.
//
// The kind is decided by the array the page holds: "VirtualMFADevices" or "MFADevices"; a JSON
// document with neither is an error. Entries may lack User, User.Path and User.UserName (old
// root entries have no User at all). Errors name the file, and the line where the JSON parser
// stopped or the field that is wrong ("virtual.json: VirtualMFADevices[2].SerialNumber: ...").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/totp/error.h"

namespace hwtotp::aws {

enum class ListingKind {
    virtual_devices,  // list-virtual-mfa-devices: every virtual device of the account
    user_devices,     // list-mfa-devices: one user's devices (hardware, virtual, FIDO)
};

struct MfaDevice {
    std::string serial_number;
    std::optional<std::string> user_arn;   // VirtualMFADevices[].User.Arn
    std::optional<std::string> user_name;  // MFADevices[].UserName or User.UserName
    std::optional<std::string> enable_date;
};

struct MfaListingPage {
    std::string file;
    ListingKind kind = ListingKind::virtual_devices;
    std::vector<MfaDevice> devices;
    bool is_truncated = false;  // more pages follow
    std::optional<std::string> marker;
    // The 12-digit account id shared by every ARN on the page (User.Arn and ARN serials);
    // empty when the page holds no ARN (e.g. no devices, or hardware serials only).
    std::string account_id;
};

// Parses one page. ARNs on one page that name two accounts are an error.
[[nodiscard]] Result<MfaListingPage> parse_mfa_listing(std::string_view text,
                                                       std::string_view file_name);

}  // namespace hwtotp::aws
