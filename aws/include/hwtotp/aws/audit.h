#pragma once
// The root hardware-MFA audit: Conformity IAM-042 / CIS 1.6 (v1.3–v4.0) / Security Hub IAM.6,
// plus two neighbouring CIS controls read from the same credential report.
//
// Decision per account (see docs/audit.md):
//   NOT_APPLICABLE  root has no credentials at all: no password, no active access key, no active
//                   signing certificate (AWS Config root-account-hardware-mfa-enabled). No
//                   password: password_enabled false, or not_supported (as GovCloud reports show
//                   a root that has none) unless the row shows the password used or an MFA device.
//   FAIL            root mfa_active is false; or a virtual MFA device is assigned to root
//                   (User.Arn is the root ARN; with no User block, the serial ends in
//                   :mfa/root-account-mfa-device).
//   INCOMPLETE      root has MFA but no list-virtual-mfa-devices output was given, or its last
//                   page says IsTruncated: MFA may be virtual or hardware.
//   PASS            root has MFA and the complete virtual-device listing assigns none to root.
//
// Pure: files are read by the caller and handed in parsed.

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/aws/credential_report.h"
#include "hwtotp/aws/mfa_listing.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::aws {

enum class Verdict { pass, fail, incomplete, not_applicable };
enum class Severity { info, low, medium, high, critical };

// "PASS", "FAIL", "INCOMPLETE", "NOT_APPLICABLE".
[[nodiscard]] std::string_view verdict_name(Verdict verdict);
// "info", "low", "medium", "high", "critical".
[[nodiscard]] std::string_view severity_name(Severity severity);
// The AWS CLI command whose output a listing page is: "list-virtual-mfa-devices",
// "list-mfa-devices".
[[nodiscard]] std::string_view listing_command(ListingKind kind);

// Stable rule ids (contract: scripts match on them).
inline constexpr std::string_view rule_root_hardware_mfa = "IAM-042";  // + CIS 1.6, SH IAM.6
inline constexpr std::string_view rule_root_access_keys = "CIS-1.4";   // + SH IAM.4
inline constexpr std::string_view rule_console_user_mfa = "CIS-1.10";  // + SH IAM.5

// Something the caller's own tool can do about a finding. The library only names it (it knows
// no command of the program that embeds it); a caller that has such a command words it, e.g.
// by adding a sentence to the remediation.
enum class FollowUp {
    none,
    enroll_root_hardware_token,  // help enrolling a hardware token for root in the console
    enable_user_mfa,             // help enabling MFA for Finding::user
    give_virtual_listing,        // audit again with list-virtual-mfa-devices output
};

struct Finding {
    std::string rule_id;
    Severity severity = Severity::info;
    // IAM-042: the account's verdict; other rules: PASS or FAIL.
    Verdict status = Verdict::pass;
    std::string message;
    std::vector<std::string> evidence;  // "report.csv:2: <root_account> mfa_active=true", ...
    std::vector<std::string> files;     // the input files this finding was decided from
    std::string remediation;            // empty when there is nothing to do
    std::vector<std::string> references;
    FollowUp follow_up = FollowUp::none;
    std::string user;  // CIS-1.10: the IAM user the finding is about
};

struct AccountAudit {
    std::string account_id;
    Verdict verdict = Verdict::incomplete;
    std::string summary;             // one sentence: why this verdict
    std::vector<std::string> files;  // every input file that belongs to this account
    std::vector<Finding> findings;   // the IAM-042 finding first
};

struct AuditResult {
    std::vector<AccountAudit> accounts;  // in the order the reports were given
};

struct AuditInput {
    std::vector<CredentialReport> reports;         // one per account
    std::vector<MfaListingPage> virtual_listings;  // pages, in the order given
    std::vector<MfaListingPage> device_listings;   // list-mfa-devices pages, in the order given
};

// Matches listings to reports by account id and decides every account. Errors
// (ErrorCode::invalid_input): no report; a report without a <root_account> row; two reports for
// one account; a listing of another account than the report given with it ("the files belong to
// different accounts", naming both files); a listing whose account cannot be told when several
// reports are given; a listing page of the wrong kind (a list-mfa-devices page among the
// virtual listings, or the reverse). Messages name files and AWS commands, never the caller's
// options.
[[nodiscard]] Result<AuditResult> run_audit(const AuditInput& input);

// 0 when every account is PASS or NOT_APPLICABLE, 1 otherwise (FAIL or INCOMPLETE). With
// `strict`, a failed neighbouring finding (CIS-1.4, CIS-1.10) also gives 1.
[[nodiscard]] int audit_exit_code(const AuditResult& result, bool strict);

// Human-readable table: per account, the verdict line, then the findings with evidence.
[[nodiscard]] std::string render_audit_text(const AuditResult& result);

// One JSON object: {"accounts":[{"account_id","verdict","summary","files","findings":[{"rule_id",
// "severity","status","message","evidence","files","remediation","references"}]}],"exit_code":N}.
[[nodiscard]] std::string render_audit_json(const AuditResult& result, bool strict);

// The same two, written to `out` a finding at a time: the memory they take does not grow with
// the output (200,000 users without MFA make some 200 MB of JSON).
void write_audit_text(const AuditResult& result, std::ostream& out);
void write_audit_json(const AuditResult& result, bool strict, std::ostream& out);

}  // namespace hwtotp::aws
