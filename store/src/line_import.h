#pragma once
// The loop the line-based importers (CSV, otpauth URI lists) share: content lines in order,
// each made into a token by the format's own parser and handed to the import's sink.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "hwtotp/store/import.h"

namespace hwtotp::store {

// A line that is neither blank nor a '#' comment, trimmed, with its 1-based number.
struct ContentLine {
    std::string_view text;
    std::size_t number = 0;
    std::string what;  // "line N", for messages
};

// What a line holds: a token, none (a CSV header), or a record hwtotp cannot use.
struct LineRecord {
    LineRecord(std::optional<NewToken> token_in = std::nullopt)  // NOLINT: implicit by design
        : token(std::move(token_in)) {}
    [[nodiscard]] static LineRecord unsupported_record(std::string record) {
        LineRecord r;
        r.unsupported = std::move(record);
        return r;
    }

    std::optional<NewToken> token;
    std::string unsupported;  // non-empty: the record, named, and why it cannot be imported
};

using LineParser = std::function<Result<LineRecord>(const ContentLine&)>;

// Parses every content line and sinks its token, or passes an unsupported record to
// skip_or_refuse; stops at the first error. Fails too when the text yields no token at all.
// Returns the number of tokens.
[[nodiscard]] Result<std::size_t> import_lines(std::string_view text, std::string_view source,
                                               const ImportCallbacks& callbacks,
                                               const LineParser& parse);

}  // namespace hwtotp::store
