#include <nlohmann/json.hpp>

#include "hwtotp/aws/audit.h"
#include "hwtotp/totp/terminal_text.h"

namespace hwtotp::aws {

std::string render_audit_text(const AuditResult& result) {
    // Account ids, file names, user names and ARNs come from the input files: every text is
    // escaped (escape_for_terminal), so no control sequence in a report reaches the terminal.
    const auto safe = [](std::string_view text) { return escape_for_terminal(text); };
    std::string out;
    for (std::size_t a = 0; a < result.accounts.size(); ++a) {
        const AccountAudit& account = result.accounts[a];
        if (a > 0)
            out += "\n";
        out += "account " + safe(account.account_id) + ": " +
               std::string(verdict_name(account.verdict)) + " - " + safe(account.summary) + "\n";
        out += "  files: ";
        for (std::size_t i = 0; i < account.files.size(); ++i)
            out += (i == 0 ? "" : ", ") + safe(account.files[i]);
        out += "\n";
        for (const Finding& f : account.findings) {
            std::string status(verdict_name(f.status));
            status.resize(std::max<std::size_t>(status.size(), 14), ' ');
            std::string rule = safe(f.rule_id);
            rule.resize(std::max<std::size_t>(rule.size(), 9), ' ');
            out.append("  ").append(status).append(" ").append(rule).append(" ");
            out.append(severity_name(f.severity)).append(": ").append(safe(f.message)).append("\n");
            for (const std::string& e : f.evidence)
                out += "      evidence: " + safe(e) + "\n";
            if (!f.remediation.empty())
                out += "      fix: " + safe(f.remediation) + "\n";
        }
    }
    return out;
}

std::string render_audit_json(const AuditResult& result, bool strict) {
    nlohmann::ordered_json accounts = nlohmann::ordered_json::array();
    for (const AccountAudit& account : result.accounts) {
        nlohmann::ordered_json findings = nlohmann::ordered_json::array();
        for (const Finding& f : account.findings) {
            findings.push_back({
                {"rule_id", f.rule_id},
                {"severity", severity_name(f.severity)},
                {"status", verdict_name(f.status)},
                {"message", f.message},
                {"evidence", f.evidence},
                {"files", f.files},
                {"remediation", f.remediation},
                {"references", f.references},
            });
        }
        accounts.push_back({
            {"account_id", account.account_id},
            {"verdict", verdict_name(account.verdict)},
            {"summary", account.summary},
            {"files", account.files},
            {"findings", std::move(findings)},
        });
    }
    const nlohmann::ordered_json doc = {
        {"accounts", std::move(accounts)},
        {"exit_code", audit_exit_code(result, strict)},
    };
    // Replacement of invalid UTF-8 (a user name from a damaged report) instead of an exception.
    return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace hwtotp::aws
