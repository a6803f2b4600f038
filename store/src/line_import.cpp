#include "line_import.h"

#include "import_skip.h"
#include "text_util.h"

namespace hwtotp::store {

Result<std::size_t> import_lines(std::string_view text, std::string_view source,
                                 const ImportCallbacks& callbacks, const LineParser& parse) {
    std::size_t records = 0;
    std::size_t skipped = 0;
    std::size_t number = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto nl = text.find('\n', pos);
        const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
        const std::string_view trimmed = text::trim(text.substr(pos, end - pos));
        pos = end + 1;
        ++number;
        if (trimmed.empty() || trimmed.front() == '#')
            continue;
        const ContentLine line{trimmed, number, "line " + std::to_string(number)};
        HWTOTP_ASSIGN_OR_RETURN(LineRecord record, parse(line));
        if (!record.unsupported.empty()) {
            HWTOTP_TRY(skip_or_refuse(callbacks, record.unsupported));
            ++skipped;
            continue;
        }
        if (!record.token)
            continue;
        HWTOTP_TRY(callbacks.sink(std::move(*record.token), line.what));
        ++records;
        if (callbacks.progress && records % 256 == 0)
            callbacks.progress(end, text.size());
    }
    return tokens_read(records, skipped, source);
}

}  // namespace hwtotp::store
