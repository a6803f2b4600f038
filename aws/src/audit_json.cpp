#include "audit_json.h"

#include <algorithm>
#include <string>

namespace hwtotp::aws::detail {
namespace {

std::size_t line_at(std::string_view text, std::size_t byte) {
    byte = std::min(byte, text.size());
    return 1 + static_cast<std::size_t>(std::count(
                   text.begin(), text.begin() + static_cast<std::ptrdiff_t>(byte), '\n'));
}

}  // namespace

Result<nlohmann::json> parse_json_document(std::string_view text, std::string_view file_name) {
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is 1-based, the position where the parser stopped.
        const std::size_t byte = e.byte > 0 ? e.byte - 1 : 0;
        return fail(ErrorCode::invalid_input, std::string(file_name) + ":" +
                                                  std::to_string(line_at(text, byte)) +
                                                  ": not valid JSON (the file may be truncated)");
    } catch (const nlohmann::json::exception& e) {
        return fail(ErrorCode::invalid_input,
                    std::string(file_name) + ": not valid JSON (" + e.what() + ")");
    }
}

std::size_t line_of_key(std::string_view text, std::string_view key) {
    const std::string quoted = "\"" + std::string(key) + "\"";
    const std::size_t at = text.find(quoted);
    return at == std::string_view::npos ? 1 : line_at(text, at);
}

}  // namespace hwtotp::aws::detail
