#include "hwtotp/aws/credential_report.h"

#include <algorithm>
#include <map>

#include "credential_report_csv.h"
#include "credential_report_json.h"
#include "hwtotp/aws/audit_arn.h"
#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/time_text.h"

namespace hwtotp::aws {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Quotes a value for a message, cut to a readable length.
std::string shown(std::string_view value) {
    constexpr std::size_t max = 40;
    std::string out = "'" + std::string(value.substr(0, max));
    if (value.size() > max)
        out += "...";
    return out + "'";
}

const char* const required_columns[] = {"user", "arn", "password_enabled", "mfa_active"};

// The header's columns by lower-case name; fails when a required one is missing.
Result<std::map<std::string, std::size_t>> column_index(const detail::CsvRecord& header,
                                                        const detail::LineNamer& name_line) {
    std::map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < header.fields.size(); ++i)
        column.emplace(lower(trim(header.fields[i])), i);
    for (const char* name : required_columns) {
        if (column.find(name) == column.end()) {
            return fail(ErrorCode::invalid_input,
                        name_line(header.line) + ": the header has no " + name +
                            " column (is this a credential report? expected columns user, arn, "
                            "password_enabled, mfa_active, ...)");
        }
    }
    return column;
}

// One user's row from its record (which has as many fields as the header).
Result<CredentialRow> read_row(const detail::CsvRecord& rec,
                               const std::map<std::string, std::size_t>& column,
                               const detail::LineNamer& name_line) {
    auto text_of = [&](const char* name) -> std::optional<std::string_view> {
        auto it = column.find(name);
        if (it == column.end())
            return std::nullopt;
        return trim(rec.fields[it->second]);
    };
    CredentialRow row;
    row.line = rec.line;
    row.user = std::string(*text_of("user"));
    row.arn = std::string(*text_of("arn"));
    if (row.user.empty())
        return fail(ErrorCode::invalid_input, name_line(rec.line) + ": column user is empty");

    std::optional<Error> error;
    auto flag = [&](const char* name, Flag& out) {
        const auto value = text_of(name);
        if (!value || error)
            return;
        const auto parsed = parse_flag(*value);
        if (!parsed) {
            error = Error{ErrorCode::invalid_input,
                          name_line(rec.line) + ": column " + name + ": " + shown(*value) +
                              " is not true, false, N/A or not_supported"};
            return;
        }
        out = *parsed;
    };
    auto instant = [&](const char* name, Instant& out) {
        const auto value = text_of(name);
        if (!value || error)
            return;
        const auto parsed = parse_instant(*value);
        if (!parsed) {
            error = Error{ErrorCode::invalid_input,
                          name_line(rec.line) + ": column " + name + ": " + shown(*value) +
                              " is not an ISO-8601 time, N/A, no_information or not_supported"};
            return;
        }
        out = *parsed;
    };
    instant("user_creation_time", row.user_creation_time);
    flag("password_enabled", row.password_enabled);
    instant("password_last_used", row.password_last_used);
    flag("mfa_active", row.mfa_active);
    flag("access_key_1_active", row.access_key_1_active);
    instant("access_key_1_last_rotated", row.access_key_1_last_rotated);
    instant("access_key_1_last_used_date", row.access_key_1_last_used);
    flag("access_key_2_active", row.access_key_2_active);
    instant("access_key_2_last_rotated", row.access_key_2_last_rotated);
    instant("access_key_2_last_used_date", row.access_key_2_last_used);
    flag("cert_1_active", row.cert_1_active);
    flag("cert_2_active", row.cert_2_active);
    if (error)
        return tl::unexpected(*error);
    return row;
}

// Reads the records one at a time: only the rows are kept, never every record's fields, so a
// large report costs about its own size in memory.
Result<CredentialReport> parse_csv_named(std::string_view csv, std::string_view file_name,
                                         const detail::LineNamer& name_line) {
    detail::CsvReader reader(csv, name_line);
    detail::CsvRecord header;
    HWTOTP_ASSIGN_OR_RETURN(const bool has_header, reader.next(header));
    if (!has_header) {
        return fail(ErrorCode::invalid_input,
                    std::string(file_name) + ": empty credential report (no CSV header)");
    }
    HWTOTP_ASSIGN_OR_RETURN(const auto column, column_index(header, name_line));

    CredentialReport report;
    report.file = std::string(file_name);
    detail::CsvRecord rec;  // reused: its strings keep their storage from row to row
    for (;;) {
        HWTOTP_ASSIGN_OR_RETURN(const bool more, reader.next(rec));
        if (!more)
            break;
        if (rec.fields.size() != header.fields.size()) {
            return fail(
                ErrorCode::invalid_input,
                name_line(rec.line) + ": the row has " + std::to_string(rec.fields.size()) +
                    " fields but the header has " + std::to_string(header.fields.size()) +
                    (rec.fields.size() < header.fields.size() ? " (the file may be truncated)"
                                                              : ""));
        }
        HWTOTP_ASSIGN_OR_RETURN(auto row, read_row(rec, column, name_line));
        if (row.is_root()) {
            if (!report.account_id.empty()) {
                return fail(ErrorCode::invalid_input,
                            name_line(rec.line) + ": a second <root_account> row");
            }
            if (!is_root_arn(row.arn)) {
                return fail(ErrorCode::invalid_input,
                            name_line(rec.line) + ": column arn: " + shown(row.arn) +
                                " is not a root ARN (arn:aws:iam::<12 digits>:root)");
            }
            report.account_id = *account_id_of_arn(row.arn);
        }
        report.rows.push_back(std::move(row));
    }
    return report;
}

}  // namespace

const CredentialRow* CredentialReport::root() const {
    for (const auto& row : rows) {
        if (row.is_root())
            return &row;
    }
    return nullptr;
}

std::optional<Flag> parse_flag(std::string_view text) {
    const std::string v = lower(trim(text));
    if (v == "true")
        return Flag::yes;
    if (v == "false")
        return Flag::no;
    if (v == "not_supported")
        return Flag::not_supported;
    if (v == "n/a")
        return Flag::not_applicable;
    return std::nullopt;
}

std::optional<Instant> parse_instant(std::string_view text) {
    const std::string_view t = trim(text);
    const std::string v = lower(t);
    Instant out;
    if (v == "n/a") {
        out.kind = Instant::Kind::not_applicable;
        return out;
    }
    if (v == "no_information") {
        out.kind = Instant::Kind::no_information;
        return out;
    }
    if (v == "not_supported") {
        out.kind = Instant::Kind::not_supported;
        return out;
    }
    // A date and a time are required here (parse_time also takes bare dates and Unix seconds).
    if (t.size() < 16 || t[4] != '-' || (t[10] != 'T' && t[10] != 't' && t[10] != ' '))
        return std::nullopt;
    const auto seconds = hwtotp::parse_time(t);
    if (!seconds)
        return std::nullopt;
    out.kind = Instant::Kind::time;
    out.unix_seconds = *seconds;
    return out;
}

Result<CredentialReport> parse_credential_report_csv(std::string_view csv,
                                                     std::string_view file_name) {
    const std::string file(file_name);
    return parse_csv_named(csv, file_name,
                           [file](std::size_t line) { return file + ":" + std::to_string(line); });
}

Result<CredentialReport> parse_credential_report(std::string_view text,
                                                 std::string_view file_name) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || text[first] != '{')
        return parse_credential_report_csv(text, file_name);

    HWTOTP_ASSIGN_OR_RETURN(auto wrapper, detail::parse_report_wrapper(text, file_name));
    auto decoded = base64_decode(wrapper.content_base64);
    if (!decoded) {
        return fail(ErrorCode::invalid_input,
                    std::string(file_name) + ":" + std::to_string(wrapper.content_line) +
                        ": field Content is not valid base64 (expected the output of aws iam "
                        "get-credential-report, unmodified)");
    }
    // The base64 text is as large as the file: let it go before the rows are built.
    std::string().swap(wrapper.content_base64);
    const std::string file(file_name);
    const std::string_view csv(reinterpret_cast<const char*>(decoded->data()), decoded->size());
    HWTOTP_ASSIGN_OR_RETURN(auto report, parse_csv_named(csv, file_name, [file](std::size_t line) {
                                return file + ": Content line " + std::to_string(line);
                            }));
    report.json_wrapped = true;
    report.generated_time = wrapper.generated_time;
    return report;
}

}  // namespace hwtotp::aws
