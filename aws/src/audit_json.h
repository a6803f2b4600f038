#pragma once
// Shared by the JSON readers of hwtotp_aws: parsing with nlohmann-json, its exceptions mapped to
// an Error naming the file and line. Internal to hwtotp_aws.

#include <string_view>

#include <nlohmann/json.hpp>

#include "hwtotp/totp/error.h"

namespace hwtotp::aws::detail {

// Parses a whole document; a syntax error becomes "<file>:<line>: not valid JSON (...)".
[[nodiscard]] Result<nlohmann::json> parse_json_document(std::string_view text,
                                                         std::string_view file_name);

// The 1-based line of the first occurrence of `"key"` in `text` (for messages), or 1.
[[nodiscard]] std::size_t line_of_key(std::string_view text, std::string_view key);

}  // namespace hwtotp::aws::detail
