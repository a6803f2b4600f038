#pragma once
// Opening the token registry from the global options (--db, $HWTOTP_DB, $HWTOTP_KEY_FILE):
// a file path, or a postgresql:// URI.

#include "context.h"
#include "hwtotp/store/registry.h"

namespace hwtotp::cli {

using RegistryAccess = store::Registry::Access;

// Opens the registry for `access`: only import creates one (create); commands that change a
// token's state need an existing one (write); commands that only show or use a token need an
// existing one and never write to it, so they also work in a read-only directory (read).
[[nodiscard]] Result<store::Registry> open_registry(const Context& ctx, RegistryAccess access);
// The same for the registry `db` (a path or a PostgreSQL URI; empty: the default one).
[[nodiscard]] Result<store::Registry> open_registry_at(const std::string& db,
                                                       RegistryAccess access);

}  // namespace hwtotp::cli
