// Credential report parsing (CSV or get-credential-report JSON) and the audit over it: never
// crashes; every error names the file; a parsed report with a root row always audits.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hwtotp/aws/audit.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto report = hwtotp::aws::parse_credential_report(text, "fuzz.csv");
    if (!report) {
        if (report.error().message.rfind("fuzz.csv", 0) != 0)
            std::abort();
        return 0;
    }
    if (report->root() == nullptr)
        return 0;
    hwtotp::aws::AuditInput input;
    input.reports.push_back(*report);
    auto result = hwtotp::aws::run_audit(input);
    if (!result || result->accounts.size() != 1 || result->accounts[0].findings.empty())
        std::abort();
    (void)hwtotp::aws::render_audit_text(*result);
    (void)hwtotp::aws::render_audit_json(*result, true);
    return 0;
}
