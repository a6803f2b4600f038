#include "hwtotp/aws/mfa_listing.h"

#include "audit_json.h"
#include "hwtotp/aws/audit_arn.h"

namespace hwtotp::aws {
namespace {

using nlohmann::json;

// An optional string member: absent or null gives nullopt; another type is an error.
Result<std::optional<std::string>> optional_string(const json& object, const char* key,
                                                   const std::string& where) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return std::optional<std::string>();
    if (!it->is_string())
        return fail(ErrorCode::invalid_input, where + "." + key + ": expected a string");
    return std::optional<std::string>(it->get<std::string>());
}

// The page's one device array: VirtualMFADevices or MFADevices, never both.
struct DeviceArray {
    ListingKind kind = ListingKind::virtual_devices;
    std::string name;
    const json* array = nullptr;
};

Result<DeviceArray> find_device_array(const json& doc, const std::string& file) {
    const std::string not_listing =
        file +
        ": no VirtualMFADevices or MFADevices array: not the output of aws iam "
        "list-virtual-mfa-devices or list-mfa-devices";
    if (!doc.is_object())
        return fail(ErrorCode::invalid_input, not_listing);
    const auto virt = doc.find("VirtualMFADevices");
    const auto user = doc.find("MFADevices");
    const bool has_virtual = virt != doc.end() && virt->is_array();
    const bool has_user = user != doc.end() && user->is_array();
    if (has_virtual && has_user) {
        return fail(ErrorCode::invalid_input,
                    file +
                        ": holds both VirtualMFADevices and MFADevices; give one page of "
                        "one listing per file");
    }
    if (has_virtual)
        return DeviceArray{ListingKind::virtual_devices, "VirtualMFADevices", &*virt};
    if (has_user)
        return DeviceArray{ListingKind::user_devices, "MFADevices", &*user};
    return fail(ErrorCode::invalid_input, not_listing);
}

// One entry of the array; `where` names it in messages ("f.json: MFADevices[2]").
Result<MfaDevice> parse_device(const json& entry, const std::string& where) {
    if (!entry.is_object())
        return fail(ErrorCode::invalid_input, where + ": expected an object");
    MfaDevice device;
    HWTOTP_ASSIGN_OR_RETURN(const auto serial, optional_string(entry, "SerialNumber", where));
    if (!serial || serial->empty()) {
        return fail(ErrorCode::invalid_input,
                    where + ".SerialNumber: missing (every listed device has one)");
    }
    device.serial_number = *serial;
    HWTOTP_ASSIGN_OR_RETURN(device.enable_date, optional_string(entry, "EnableDate", where));
    HWTOTP_ASSIGN_OR_RETURN(device.user_name, optional_string(entry, "UserName", where));
    const auto user_it = entry.find("User");
    if (user_it == entry.end() || user_it->is_null())
        return device;
    if (!user_it->is_object())
        return fail(ErrorCode::invalid_input, where + ".User: expected an object");
    HWTOTP_ASSIGN_OR_RETURN(device.user_arn, optional_string(*user_it, "Arn", where + ".User"));
    HWTOTP_ASSIGN_OR_RETURN(const auto user_name,
                            optional_string(*user_it, "UserName", where + ".User"));
    if (user_name)
        device.user_name = user_name;
    return device;
}

// The account of an ARN, if `arn` is one: the first names the page's account, every later
// one must be the same.
Result<void> note_account(MfaListingPage& page, const std::string& arn, const std::string& where) {
    const auto account = account_id_of_arn(arn);
    if (!account)
        return {};
    if (page.account_id.empty()) {
        page.account_id = *account;
    } else if (page.account_id != *account) {
        return fail(ErrorCode::invalid_input, where + ": account " + *account +
                                                  " differs from account " + page.account_id +
                                                  " earlier in the same file");
    }
    return {};
}

// IsTruncated and Marker, or NextToken: the AWS CLI's own pagination (--max-items) prints
// NextToken instead.
Result<void> parse_pagination(const json& doc, std::string_view text, const std::string& file,
                              MfaListingPage& page) {
    const auto truncated = doc.find("IsTruncated");
    if (truncated != doc.end() && !truncated->is_null()) {
        if (!truncated->is_boolean()) {
            return fail(ErrorCode::invalid_input,
                        file + ":" + std::to_string(detail::line_of_key(text, "IsTruncated")) +
                            ": field IsTruncated: expected true or false");
        }
        page.is_truncated = truncated->get<bool>();
    }
    HWTOTP_ASSIGN_OR_RETURN(page.marker, optional_string(doc, "Marker", file));
    HWTOTP_ASSIGN_OR_RETURN(const auto next_token, optional_string(doc, "NextToken", file));
    if (next_token) {
        page.is_truncated = true;
        if (!page.marker)
            page.marker = next_token;
    }
    return {};
}

}  // namespace

Result<MfaListingPage> parse_mfa_listing(std::string_view text, std::string_view file_name) {
    HWTOTP_ASSIGN_OR_RETURN(const auto doc, detail::parse_json_document(text, file_name));
    const std::string file(file_name);
    HWTOTP_ASSIGN_OR_RETURN(const auto devices, find_device_array(doc, file));
    MfaListingPage page;
    page.file = file;
    page.kind = devices.kind;
    std::size_t index = 0;
    for (const json& entry : *devices.array) {
        const std::string where = file + ": " + devices.name + "[" + std::to_string(index++) + "]";
        HWTOTP_ASSIGN_OR_RETURN(auto device, parse_device(entry, where));
        if (device.user_arn)
            HWTOTP_TRY(note_account(page, *device.user_arn, where + ".User.Arn"));
        HWTOTP_TRY(note_account(page, device.serial_number, where + ".SerialNumber"));
        page.devices.push_back(std::move(device));
    }
    HWTOTP_TRY(parse_pagination(doc, text, file, page));
    return page;
}

}  // namespace hwtotp::aws
