#include <ostream>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hwtotp/aws/audit.h"
#include "hwtotp/totp/terminal_text.h"

namespace hwtotp::aws {
namespace {

using Json = nlohmann::ordered_json;

// Account ids, file names, user names and ARNs come from the input files: every text written
// for a terminal is escaped, so no control sequence in a report reaches it.
void write_finding_text(const Finding& f, std::ostream& out) {
    std::string status(verdict_name(f.status));
    status.resize(std::max<std::size_t>(status.size(), 14), ' ');
    std::string rule = escape_for_terminal(f.rule_id);
    rule.resize(std::max<std::size_t>(rule.size(), 9), ' ');
    out << "  " << status << " " << rule << " " << severity_name(f.severity) << ": "
        << escape_for_terminal(f.message) << "\n";
    for (const std::string& e : f.evidence)
        out << "      evidence: " << escape_for_terminal(e) << "\n";
    if (!f.remediation.empty())
        out << "      fix: " << escape_for_terminal(f.remediation) << "\n";
}

Json finding_json(const Finding& f) {
    return {
        {"rule_id", f.rule_id},
        {"severity", severity_name(f.severity)},
        {"status", verdict_name(f.status)},
        {"message", f.message},
        {"evidence", f.evidence},
        {"files", f.files},
        {"remediation", f.remediation},
        {"references", f.references},
    };
}

// `value` as dump(2) lays it out when it sits `indent` spaces deep in a larger document.
// Replacement of invalid UTF-8 (a user name from a damaged report) instead of an exception.
void write_nested(const Json& value, int indent, std::ostream& out) {
    const std::string text = value.dump(2, ' ', false, Json::error_handler_t::replace);
    const std::string newline = "\n" + std::string(static_cast<std::size_t>(indent), ' ');
    std::size_t from = 0;
    for (auto at = text.find('\n'); at != std::string::npos; at = text.find('\n', from)) {
        out.write(text.data() + from, static_cast<std::streamsize>(at - from)) << newline;
        from = at + 1;
    }
    out.write(text.data() + from, static_cast<std::streamsize>(text.size() - from));
}

void write_account_json(const AccountAudit& account, std::ostream& out) {
    out << "{\n      \"account_id\": ";
    write_nested(account.account_id, 6, out);
    out << ",\n      \"verdict\": ";
    write_nested(verdict_name(account.verdict), 6, out);
    out << ",\n      \"summary\": ";
    write_nested(account.summary, 6, out);
    out << ",\n      \"files\": ";
    write_nested(account.files, 6, out);
    out << ",\n      \"findings\": ";
    if (account.findings.empty()) {
        out << "[]";
    } else {
        out << "[";
        for (std::size_t i = 0; i < account.findings.size(); ++i) {
            out << (i == 0 ? "\n        " : ",\n        ");
            write_nested(finding_json(account.findings[i]), 8, out);
        }
        out << "\n      ]";
    }
    out << "\n    }";
}

}  // namespace

void write_audit_text(const AuditResult& result, std::ostream& out) {
    for (std::size_t a = 0; a < result.accounts.size(); ++a) {
        const AccountAudit& account = result.accounts[a];
        if (a > 0)
            out << "\n";
        out << "account " << escape_for_terminal(account.account_id) << ": "
            << verdict_name(account.verdict) << " - " << escape_for_terminal(account.summary)
            << "\n";
        out << "  files: ";
        for (std::size_t i = 0; i < account.files.size(); ++i)
            out << (i == 0 ? "" : ", ") << escape_for_terminal(account.files[i]);
        out << "\n";
        for (const Finding& f : account.findings)
            write_finding_text(f, out);
    }
}

// The document render_audit_json describes, as dump(2) of it would lay it out, written one
// finding at a time: a tree of every finding took several times the report's size.
void write_audit_json(const AuditResult& result, bool strict, std::ostream& out) {
    out << "{\n  \"accounts\": ";
    if (result.accounts.empty()) {
        out << "[]";
    } else {
        out << "[";
        for (std::size_t i = 0; i < result.accounts.size(); ++i) {
            out << (i == 0 ? "\n    " : ",\n    ");
            write_account_json(result.accounts[i], out);
        }
        out << "\n  ]";
    }
    out << ",\n  \"exit_code\": " << audit_exit_code(result, strict) << "\n}\n";
}

std::string render_audit_text(const AuditResult& result) {
    std::ostringstream out;
    write_audit_text(result, out);
    return std::move(out).str();
}

std::string render_audit_json(const AuditResult& result, bool strict) {
    std::ostringstream out;
    write_audit_json(result, strict, out);
    return std::move(out).str();
}

}  // namespace hwtotp::aws
