// resync --token and drift --token without a registry in this build: say so (exit 4). The
// registry integration replaces this file with one that reads and writes the database.
#include "registry_hooks.h"

namespace hwtotp::cli {

Result<void> record_resync_in_registry(const TokenResyncRecord& record, Context&) {
    return fail(ErrorCode::registry,
                "--token " + record.serial + ": the token registry is not available in this build");
}

Result<TokenOffsetHistory> load_offset_history(const std::string& serial, Context&) {
    return fail(ErrorCode::registry,
                "--token " + serial + ": the token registry is not available in this build");
}

}  // namespace hwtotp::cli
