#include "credential_report_csv.h"

#include <utility>

namespace hwtotp::aws::detail {

CsvReader::CsvReader(std::string_view text, LineNamer name_line)
    : text_(text), name_line_(std::move(name_line)) {
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    if (text_.substr(0, bom.size()) == bom)
        text_.remove_prefix(bom.size());
}

Result<void> CsvReader::read_field(std::string& field) {
    field.clear();
    if (pos_ < text_.size() && text_[pos_] == '"') {
        // A quoted field: runs to the next quote that is not doubled.
        const std::size_t open_line = line_;
        ++pos_;
        for (;;) {
            if (pos_ >= text_.size()) {
                return fail(ErrorCode::invalid_input,
                            name_line_(open_line) +
                                ": a quoted field is not closed (the file may be truncated)");
            }
            const char q = text_[pos_];
            if (q == '"') {
                if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
                    field.push_back('"');
                    pos_ += 2;
                    continue;
                }
                ++pos_;
                break;
            }
            if (q == '\n')
                ++line_;
            field.push_back(q);
            ++pos_;
        }
        // After the closing quote: a separator, a line end, or the end of the text.
        if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
            !(text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') &&
            !(text_[pos_] == '\r' && pos_ + 1 == text_.size())) {
            return fail(ErrorCode::invalid_input,
                        name_line_(line_) + ": unexpected text after a closing quote");
        }
        return {};
    }
    // Unquoted: up to a comma or a line end (LF, CRLF, or a CR that ends the text).
    const std::size_t start = pos_;
    while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == ',' || c == '\n')
            break;
        if (c == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n'))
            break;
        ++pos_;
    }
    field.assign(text_.substr(start, pos_ - start));
    return {};
}

Result<bool> CsvReader::next(CsvRecord& record) {
    for (;;) {
        if (pos_ >= text_.size())
            return false;
        record.line = line_;
        std::size_t count = 0;
        for (;;) {
            if (record.fields.size() <= count)
                record.fields.emplace_back();
            HWTOTP_TRY(read_field(record.fields[count]));
            ++count;
            if (pos_ < text_.size() && text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            break;
        }
        // The record ends here: CR LF, LF, a final CR, or the end of the text.
        if (pos_ < text_.size() && text_[pos_] == '\r')
            ++pos_;
        if (pos_ < text_.size() && text_[pos_] == '\n') {
            ++pos_;
            ++line_;
        }
        record.fields.resize(count);
        // A record that is one empty field is a blank line.
        if (!(count == 1 && record.fields[0].empty()))
            return true;
    }
}

Result<std::vector<CsvRecord>> parse_csv_records(std::string_view text,
                                                 const LineNamer& name_line) {
    CsvReader reader(text, name_line);
    std::vector<CsvRecord> records;
    for (;;) {
        CsvRecord record;
        HWTOTP_ASSIGN_OR_RETURN(const bool more, reader.next(record));
        if (!more)
            return records;
        records.push_back(std::move(record));
    }
}

}  // namespace hwtotp::aws::detail
