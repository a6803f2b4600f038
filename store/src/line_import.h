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

// The token a line describes, or nullopt for a line that describes none (a CSV header).
using LineParser = std::function<Result<std::optional<NewToken>>(const ContentLine&)>;

// Parses every content line and sinks its token; stops at the first error. Fails too when the
// text holds no token at all. Returns the number of tokens.
[[nodiscard]] Result<std::size_t> import_lines(std::string_view text, std::string_view source,
                                               const ImportCallbacks& callbacks,
                                               const LineParser& parse);

}  // namespace hwtotp::store
