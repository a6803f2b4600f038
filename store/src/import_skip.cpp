#include "import_skip.h"

namespace hwtotp::store {

Result<void> skip_or_refuse(const ImportCallbacks& callbacks, const std::string& record) {
    if (callbacks.unsupported)
        return callbacks.unsupported(record);
    return fail(ErrorCode::invalid_input, record + "; " + std::string(skip_unsupported_hint));
}

Result<std::size_t> tokens_read(std::size_t tokens, std::size_t skipped, std::string_view source) {
    if (tokens > 0)
        return tokens;
    if (skipped > 0) {
        return fail(ErrorCode::invalid_input,
                    std::string(source) + ": nothing to import: every record in the file (" +
                        std::to_string(skipped) + ") was skipped as unsupported");
    }
    return fail(ErrorCode::invalid_input, std::string(source) + ": no tokens in the file");
}

}  // namespace hwtotp::store
