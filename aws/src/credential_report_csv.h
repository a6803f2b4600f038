#pragma once
// RFC 4180 records, as the credential report writes them: comma-separated fields, LF or CRLF
// line ends, fields optionally in double quotes (which may then hold commas, line breaks and
// doubled quotes ""). Internal to hwtotp_aws.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/totp/error.h"

namespace hwtotp::aws::detail {

struct CsvRecord {
    std::size_t line = 0;  // 1-based line where the record starts
    std::vector<std::string> fields;
};

// Names a line in messages, e.g. "report.csv:4" or "report.json: Content line 4".
using LineNamer = std::function<std::string(std::size_t line)>;

// Reads `text` one record at a time, so that a report of a million users is never held as
// records all at once (only the rows the caller keeps). Blank lines are skipped; a leading
// UTF-8 byte order mark is ignored. Fails on an unterminated quoted field or text after a
// closing quote. `text` must outlive the reader.
class CsvReader {
  public:
    CsvReader(std::string_view text, LineNamer name_line);
    // Fills `record` with the next record (reusing its storage); false at the end of the text.
    [[nodiscard]] Result<bool> next(CsvRecord& record);

  private:
    // Reads one field starting at pos_ into `field`; pos_ ends on its separator or line end.
    [[nodiscard]] Result<void> read_field(std::string& field);

    std::string_view text_;
    LineNamer name_line_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

// Every record of `text` (see CsvReader).
[[nodiscard]] Result<std::vector<CsvRecord>> parse_csv_records(std::string_view text,
                                                               const LineNamer& name_line);

}  // namespace hwtotp::aws::detail
