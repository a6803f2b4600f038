#pragma once
// Where the registry and its master key live.

#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"

namespace hwtotp::store {

// A PostgreSQL connection URI ("postgresql://" or "postgres://", any URI libpq takes) rather
// than the path of an SQLite database.
[[nodiscard]] bool is_postgres_uri(std::string_view db);

struct RegistryPaths {
    std::string db;   // the SQLite database, or a PostgreSQL connection URI
    std::string key;  // the 32-byte master key file (always local)

    [[nodiscard]] bool is_postgres() const { return is_postgres_uri(db); }
};

// The database: `explicit_db` when not empty, else $HWTOTP_DB, else
// $XDG_DATA_HOME/hwtotp/tokens.db, else $HOME/.local/share/hwtotp/tokens.db.
// The key: $HWTOTP_KEY_FILE, else "tokens.key" beside the database ("<db>.key" when the database
// file is not named *.db); for a PostgreSQL URI, else the key of the default local registry
// ($XDG_DATA_HOME/hwtotp/tokens.key, else $HOME/.local/share/hwtotp/tokens.key): the same key
// file on every host. Fails only when none of the variables gives a location.
[[nodiscard]] Result<RegistryPaths> resolve_registry_paths(const std::string& explicit_db);

}  // namespace hwtotp::store
