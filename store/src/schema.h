#pragma once
// The registry schema and its forward migrations, versioned by PRAGMA user_version.

#include "hwtotp/totp/error.h"
#include "sqlite.h"

namespace hwtotp::store {

// Brings the database to hwtotp::store::schema_version inside one BEGIN IMMEDIATE transaction.
// Refuses a database from a newer hwtotp, and a non-empty SQLite file that is not a registry.
[[nodiscard]] Result<void> migrate(sql::Db& db);

// The user_version of an open database.
[[nodiscard]] Result<int> read_schema_version(sql::Db& db);

}  // namespace hwtotp::store
