#pragma once
// The registry in one SQLite database file (backend.h): WAL mode, the files trust-checked before
// SQLite opens them (registry_files.h), schema versioned by PRAGMA user_version (schema.h).

#include <memory>

#include "backend.h"
#include "hwtotp/store/registry.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::store {

// Opens the database for options.access and brings a new one to the current schema. None when
// a reader found an older schema: upgrading writes, so the caller opens it again for writing
// (after this connection is closed).
[[nodiscard]] Result<std::unique_ptr<RegistryBackend>> open_sqlite_backend(
    const Registry::Options& options);

}  // namespace hwtotp::store
