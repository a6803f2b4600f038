#pragma once
// Where the registry and its master key live.

#include <string>

#include "hwtotp/totp/error.h"

namespace hwtotp::store {

struct RegistryPaths {
    std::string db;   // the SQLite database
    std::string key;  // the 32-byte master key file
};

// The database: `explicit_db` when not empty, else $HWTOTP_DB, else
// $XDG_DATA_HOME/hwtotp/tokens.db, else $HOME/.local/share/hwtotp/tokens.db.
// The key: $HWTOTP_KEY_FILE, else "tokens.key" beside the database ("<db>.key" when the database
// file is not named *.db). Fails only when none of the variables gives a location.
[[nodiscard]] Result<RegistryPaths> resolve_registry_paths(const std::string& explicit_db);

}  // namespace hwtotp::store
