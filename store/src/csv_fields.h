#pragma once
// One line of a vendor CSV file split into its fields (RFC 4180 quoting, one line per record).
//
// Spreadsheet programs quote fields ("Helga@contoso.com") when they save CSV; a quoted field
// may hold commas and "" for a quote. The fields are copied into one buffer that is wiped when
// the CsvFields goes away: a field may be a secret key.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hwtotp/totp/error.h"

namespace hwtotp::store {

class CsvFields {
  public:
    // Errors: a quote that is not closed, or text after a closing quote (invalid_input).
    [[nodiscard]] static Result<CsvFields> split(std::string_view line);

    CsvFields(CsvFields&&) noexcept = default;
    CsvFields& operator=(CsvFields&&) = delete;
    CsvFields(const CsvFields&) = delete;
    CsvFields& operator=(const CsvFields&) = delete;
    ~CsvFields();

    [[nodiscard]] std::size_t size() const { return fields_.size(); }
    // Field i, trimmed of spaces outside the quotes; "" past the last field.
    [[nodiscard]] std::string_view operator[](std::size_t i) const {
        if (i >= fields_.size())
            return {};
        return std::string_view(buffer_).substr(fields_[i].first, fields_[i].second);
    }

  private:
    CsvFields() = default;

    std::string buffer_;                                       // the fields, unquoted, end to end
    std::vector<std::pair<std::size_t, std::size_t>> fields_;  // offset and length in buffer_
};

}  // namespace hwtotp::store
