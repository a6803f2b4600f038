#include "csv_fields.h"

#include "hwtotp/totp/secret.h"
#include "text_util.h"

namespace hwtotp::store {

Result<CsvFields> CsvFields::split(std::string_view line) {
    CsvFields out;
    out.buffer_.reserve(line.size());  // one allocation: no unwiped copy is left behind
    std::size_t i = 0;
    for (;;) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        const std::size_t start = out.buffer_.size();
        if (i < line.size() && line[i] == '"') {
            ++i;
            for (;;) {
                if (i >= line.size()) {
                    return fail(ErrorCode::invalid_input,
                                "field " + std::to_string(out.fields_.size() + 1) +
                                    ": a quoted field is not closed");
                }
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        out.buffer_.push_back('"');
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                out.buffer_.push_back(line[i++]);
            }
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
                ++i;
            if (i < line.size() && line[i] != ',') {
                return fail(ErrorCode::invalid_input, "field " +
                                                          std::to_string(out.fields_.size() + 1) +
                                                          ": text after the closing quote");
            }
            out.fields_.emplace_back(start, out.buffer_.size() - start);
        } else {
            const auto comma = line.find(',', i);
            const std::string_view raw = text::trim(
                line.substr(i, comma == std::string_view::npos ? line.size() - i : comma - i));
            out.buffer_.append(raw);
            out.fields_.emplace_back(start, raw.size());
            i = comma == std::string_view::npos ? line.size() : comma;
        }
        if (i >= line.size())
            break;
        ++i;  // the comma
        if (i == line.size()) {
            out.fields_.emplace_back(out.buffer_.size(), 0);  // a trailing comma: an empty field
            break;
        }
    }
    return out;
}

CsvFields::~CsvFields() {
    wipe_memory(buffer_.data(), buffer_.capacity());
}

}  // namespace hwtotp::store
