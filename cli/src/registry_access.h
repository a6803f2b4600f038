#pragma once
// Opening the token registry from the global options (--db, $HWTOTP_DB, $HWTOTP_KEY_FILE).

#include "context.h"
#include "hwtotp/store/registry.h"

namespace hwtotp::cli {

[[nodiscard]] Result<store::Registry> open_registry(const Context& ctx);

}  // namespace hwtotp::cli
