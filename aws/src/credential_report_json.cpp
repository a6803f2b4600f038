#include "credential_report_json.h"

#include "audit_json.h"

namespace hwtotp::aws::detail {

Result<ReportWrapper> parse_report_wrapper(std::string_view text, std::string_view file_name) {
    HWTOTP_ASSIGN_OR_RETURN(auto doc, parse_json_document(text, file_name));
    const std::string file(file_name);
    if (!doc.is_object())
        return fail(ErrorCode::invalid_input, file + ":1: expected a JSON object");
    ReportWrapper out;
    const auto format = doc.find("ReportFormat");
    if (format != doc.end() && !(format->is_string() && format->get<std::string>() == "text/csv")) {
        return fail(ErrorCode::invalid_input,
                    file + ":" + std::to_string(line_of_key(text, "ReportFormat")) +
                        ": field ReportFormat is not \"text/csv\" (the only format AWS documents)");
    }
    const auto content = doc.find("Content");
    if (content == doc.end() || !content->is_string()) {
        const bool listing = doc.contains("VirtualMFADevices") || doc.contains("MFADevices");
        return fail(ErrorCode::invalid_input,
                    file + ": field Content: missing or not a string" +
                        (listing ? " (this is an MFA device listing, not a credential report)"
                                 : " (expected the output of aws iam get-credential-report)"));
    }
    // Moved, not copied: Content is nearly the whole file, and the document is dropped next.
    out.content_base64 = std::move(content->get_ref<std::string&>());
    out.content_line = line_of_key(text, "Content");
    const auto generated = doc.find("GeneratedTime");
    if (generated != doc.end() && generated->is_string())
        out.generated_time = generated->get<std::string>();
    return out;
}

}  // namespace hwtotp::aws::detail
