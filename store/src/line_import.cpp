#include "line_import.h"

#include "text_util.h"

namespace hwtotp::store {

Result<std::size_t> import_lines(std::string_view text, std::string_view source,
                                 const ImportCallbacks& callbacks, const LineParser& parse) {
    std::size_t records = 0;
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
        auto token = parse(line);
        if (!token)
            return tl::unexpected(token.error());
        if (!*token)
            continue;
        if (auto ok = callbacks.sink(std::move(**token), line.what); !ok)
            return tl::unexpected(ok.error());
        ++records;
        if (callbacks.progress && records % 256 == 0)
            callbacks.progress(end, text.size());
    }
    if (records == 0)
        return fail(ErrorCode::invalid_input, std::string(source) + ": no tokens in the file");
    return records;
}

}  // namespace hwtotp::store
