#include "hwtotp/totp/limits.h"

namespace hwtotp::limits {

Result<void> check_seed_size(std::size_t bytes) {
    if (bytes < min_seed_bytes || bytes > max_seed_bytes) {
        return fail(ErrorCode::invalid_input,
                    "the seed is " + std::to_string(bytes) +
                        " bytes (accepted: " + std::to_string(min_seed_bytes) + " to " +
                        std::to_string(max_seed_bytes) + " bytes)");
    }
    return {};
}

std::optional<std::string> short_seed_warning(std::size_t bytes) {
    if (bytes >= recommended_seed_bytes)
        return std::nullopt;
    return "the seed is " + std::to_string(bytes) + " bytes; RFC 4226 requires at least " +
           std::to_string(recommended_seed_bytes) + " (128 bits)";
}

Result<void> check_counter(std::uint64_t counter) {
    if (counter > max_counter) {
        return fail(ErrorCode::invalid_input, "counter " + std::to_string(counter) +
                                                  " is out of range (accepted: 0 to " +
                                                  std::to_string(max_counter) + ")");
    }
    return {};
}

Result<void> check_text(std::string_view field, std::string_view value) {
    if (value.size() > max_text_bytes) {
        return fail(ErrorCode::invalid_input, std::string(field) + " is " +
                                                  std::to_string(value.size()) +
                                                  " bytes long (accepted: at most " +
                                                  std::to_string(max_text_bytes) + " bytes)");
    }
    return {};
}

}  // namespace hwtotp::limits
