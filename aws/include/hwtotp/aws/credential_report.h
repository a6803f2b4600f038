#pragma once
// The IAM credential report (GetCredentialReport), read by column name.
//
// Input is either the raw CSV or the AWS CLI's JSON output of `aws iam get-credential-report`
// ({"Content": "<base64 of the CSV>", "ReportFormat": "text/csv", "GeneratedTime": ...}); the
// first non-blank character decides ('{' is JSON). Columns are found by header name, so their
// order may change and unknown columns are ignored. Required columns: user, arn, password_enabled,
// mfa_active. Values are compared case-insensitively (the docs write TRUE, reports write true).
//
// Errors name the file and the line of the CSV ("report.csv:4: ..."); for a JSON-wrapped report
// the line is that of the decoded Content ("report.json: Content line 4: ..."). All are
// ErrorCode::invalid_input.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/totp/error.h"

namespace hwtotp::aws {

// A boolean column: true/false, or one of the report's placeholders.
enum class Flag {
    yes,
    no,
    not_supported,   // "not_supported" (root password_enabled in older reports)
    not_applicable,  // "N/A"
    absent,          // the column is not in this report
};

// A time column: an instant, or one of the report's placeholders.
struct Instant {
    enum class Kind { time, not_applicable, no_information, not_supported, absent };
    Kind kind = Kind::absent;
    std::int64_t unix_seconds = 0;  // when kind == time
};

// One user's row. `line` is the 1-based line of the CSV where the row starts.
struct CredentialRow {
    std::size_t line = 0;
    std::string user;  // "<root_account>" for the root user
    std::string arn;
    Instant user_creation_time;
    Flag password_enabled = Flag::absent;
    Instant password_last_used;
    Flag mfa_active = Flag::absent;
    Flag access_key_1_active = Flag::absent;
    Instant access_key_1_last_rotated;  // a time here with active=false: an inactive key exists
    Instant access_key_1_last_used;
    Flag access_key_2_active = Flag::absent;
    Instant access_key_2_last_rotated;
    Instant access_key_2_last_used;
    Flag cert_1_active = Flag::absent;
    Flag cert_2_active = Flag::absent;

    [[nodiscard]] bool is_root() const { return user == "<root_account>"; }
};

struct CredentialReport {
    std::string file;            // the file name given to the parser
    bool json_wrapped = false;   // true when read from get-credential-report JSON
    std::string generated_time;  // from the JSON wrapper, as written; empty for raw CSV
    std::vector<CredentialRow> rows;
    std::string account_id;  // from the root row's ARN; empty when there is no root row

    // The <root_account> row, or nullptr.
    [[nodiscard]] const CredentialRow* root() const;
};

// Reads a report in either form (see above). The result has at least the header; a report
// without a <root_account> row parses (the audit reports it).
[[nodiscard]] Result<CredentialReport> parse_credential_report(std::string_view text,
                                                               std::string_view file_name);

// Reads the raw CSV only; messages read "<file_name>:<line>: ...".
[[nodiscard]] Result<CredentialReport> parse_credential_report_csv(std::string_view csv,
                                                                   std::string_view file_name);

// "true"/"false"/"N/A"/"not_supported" in any letter case; nullopt for anything else.
[[nodiscard]] std::optional<Flag> parse_flag(std::string_view text);

// An ISO-8601 time ("2016-09-09T20:00:00Z", "2019-10-28T20:37:09+00:00", with or without
// fractional seconds) or "N/A", "no_information", "not_supported"; nullopt for anything else.
[[nodiscard]] std::optional<Instant> parse_instant(std::string_view text);

}  // namespace hwtotp::aws
