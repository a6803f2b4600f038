#include "credential_report_csv.h"

namespace hwtotp::aws::detail {

Result<std::vector<CsvRecord>> parse_csv_records(std::string_view text,
                                                 const LineNamer& name_line) {
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    if (text.substr(0, bom.size()) == bom)
        text.remove_prefix(bom.size());

    std::vector<CsvRecord> records;
    CsvRecord record;
    std::string field;
    std::size_t line = 1;
    std::size_t pos = 0;
    bool record_started = false;  // any character of the current record seen

    auto end_field = [&] {
        record.fields.push_back(std::move(field));
        field.clear();
    };
    auto end_record = [&] {
        end_field();
        // A record that is one empty field is a blank line.
        if (!(record.fields.size() == 1 && record.fields[0].empty()))
            records.push_back(std::move(record));
        record = CsvRecord{};
        record_started = false;
    };

    while (pos < text.size()) {
        if (!record_started) {
            record.line = line;
            record_started = true;
        }
        const char c = text[pos];
        if (c == '"' && field.empty()) {
            // A quoted field: runs to the next quote that is not doubled.
            const std::size_t open_line = line;
            ++pos;
            bool closed = false;
            while (pos < text.size()) {
                const char q = text[pos];
                if (q == '"') {
                    if (pos + 1 < text.size() && text[pos + 1] == '"') {
                        field.push_back('"');
                        pos += 2;
                        continue;
                    }
                    ++pos;
                    closed = true;
                    break;
                }
                if (q == '\n')
                    ++line;
                field.push_back(q);
                ++pos;
            }
            if (!closed) {
                return fail(ErrorCode::invalid_input,
                            name_line(open_line) +
                                ": a quoted field is not closed (the file may be truncated)");
            }
            // After the closing quote: a separator, a line end, or the end of the text.
            if (pos < text.size() && text[pos] != ',' && text[pos] != '\n' &&
                !(text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') &&
                !(text[pos] == '\r' && pos + 1 == text.size())) {
                return fail(ErrorCode::invalid_input,
                            name_line(line) + ": unexpected text after a closing quote");
            }
            continue;
        }
        if (c == ',') {
            end_field();
            ++pos;
            continue;
        }
        if (c == '\r' && (pos + 1 == text.size() || text[pos + 1] == '\n')) {
            ++pos;  // the LF (if any) ends the record
            if (pos == text.size())
                break;
            continue;
        }
        if (c == '\n') {
            end_record();
            ++line;
            ++pos;
            continue;
        }
        field.push_back(c);
        ++pos;
    }
    if (record_started)
        end_record();
    return records;
}

}  // namespace hwtotp::aws::detail
