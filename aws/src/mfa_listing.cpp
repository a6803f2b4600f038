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

}  // namespace

Result<MfaListingPage> parse_mfa_listing(std::string_view text, std::string_view file_name) {
    auto doc = detail::parse_json_document(text, file_name);
    if (!doc)
        return tl::unexpected(doc.error());
    const std::string file(file_name);
    const std::string not_listing =
        file +
        ": no VirtualMFADevices or MFADevices array: not the output of aws iam "
        "list-virtual-mfa-devices or list-mfa-devices";
    if (!doc->is_object())
        return fail(ErrorCode::invalid_input, not_listing);

    MfaListingPage page;
    page.file = file;
    const auto virt = doc->find("VirtualMFADevices");
    const auto user = doc->find("MFADevices");
    const bool has_virtual = virt != doc->end() && virt->is_array();
    const bool has_user = user != doc->end() && user->is_array();
    if (has_virtual == has_user) {
        if (has_virtual) {
            return fail(ErrorCode::invalid_input,
                        file +
                            ": holds both VirtualMFADevices and MFADevices; give one page of "
                            "one listing per file");
        }
        return fail(ErrorCode::invalid_input, not_listing);
    }
    page.kind = has_virtual ? ListingKind::virtual_devices : ListingKind::user_devices;
    const std::string array_name = has_virtual ? "VirtualMFADevices" : "MFADevices";
    const json& array = has_virtual ? *virt : *user;

    auto note_account = [&](const std::string& arn, const std::string& where) -> Result<bool> {
        const auto account = account_id_of_arn(arn);
        if (!account)
            return false;
        if (page.account_id.empty()) {
            page.account_id = *account;
        } else if (page.account_id != *account) {
            return fail(ErrorCode::invalid_input, where + ": account " + *account +
                                                      " differs from account " + page.account_id +
                                                      " earlier in the same file");
        }
        return true;
    };

    std::size_t index = 0;
    for (const json& entry : array) {
        std::string where = file;
        where.append(": ").append(array_name).append("[").append(std::to_string(index)).append("]");
        ++index;
        if (!entry.is_object())
            return fail(ErrorCode::invalid_input, where + ": expected an object");
        MfaDevice device;
        auto serial = optional_string(entry, "SerialNumber", where);
        if (!serial)
            return tl::unexpected(serial.error());
        if (!*serial || (*serial)->empty()) {
            return fail(ErrorCode::invalid_input,
                        where + ".SerialNumber: missing (every listed device has one)");
        }
        device.serial_number = **serial;
        auto date = optional_string(entry, "EnableDate", where);
        if (!date)
            return tl::unexpected(date.error());
        device.enable_date = *date;
        auto name = optional_string(entry, "UserName", where);
        if (!name)
            return tl::unexpected(name.error());
        device.user_name = *name;

        const auto user_it = entry.find("User");
        if (user_it != entry.end() && !user_it->is_null()) {
            if (!user_it->is_object())
                return fail(ErrorCode::invalid_input, where + ".User: expected an object");
            auto arn = optional_string(*user_it, "Arn", where + ".User");
            if (!arn)
                return tl::unexpected(arn.error());
            device.user_arn = *arn;
            auto user_name = optional_string(*user_it, "UserName", where + ".User");
            if (!user_name)
                return tl::unexpected(user_name.error());
            if (*user_name)
                device.user_name = *user_name;
        }
        if (device.user_arn) {
            auto ok = note_account(*device.user_arn, where + ".User.Arn");
            if (!ok)
                return tl::unexpected(ok.error());
        }
        auto ok = note_account(device.serial_number, where + ".SerialNumber");
        if (!ok)
            return tl::unexpected(ok.error());
        page.devices.push_back(std::move(device));
    }

    const auto truncated = doc->find("IsTruncated");
    if (truncated != doc->end() && !truncated->is_null()) {
        if (!truncated->is_boolean()) {
            return fail(ErrorCode::invalid_input,
                        file + ":" + std::to_string(detail::line_of_key(text, "IsTruncated")) +
                            ": field IsTruncated: expected true or false");
        }
        page.is_truncated = truncated->get<bool>();
    }
    auto marker = optional_string(*doc, "Marker", file);
    if (!marker)
        return tl::unexpected(marker.error());
    page.marker = *marker;
    // The AWS CLI's own pagination (--max-items) prints NextToken instead of IsTruncated/Marker.
    auto next_token = optional_string(*doc, "NextToken", file);
    if (!next_token)
        return tl::unexpected(next_token.error());
    if (*next_token) {
        page.is_truncated = true;
        if (!page.marker)
            page.marker = *next_token;
    }
    return page;
}

}  // namespace hwtotp::aws
