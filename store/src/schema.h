#pragma once
// The registry schema and its forward migrations, versioned by PRAGMA user_version.

#include "crypto.h"
#include "hwtotp/totp/error.h"
#include "sqlite.h"

namespace hwtotp::store {

// Brings the database to hwtotp::store::schema_version inside one BEGIN IMMEDIATE transaction.
// Refuses a database from a newer hwtotp, and a non-empty SQLite file that is not a registry.
// `seeds` is the box of the registry's (checked) master key: the step to version 3 re-seals
// every seed under the version 2 associated data. It may be null only when no token is stored
// (a registry being created); a token that does not open is a registry error naming it.
[[nodiscard]] Result<void> migrate(sql::Db& db, crypto::SeedBox* seeds);

// The user_version of an open database.
[[nodiscard]] Result<int> read_schema_version(sql::Db& db);

// Refuses a version from a newer hwtotp or below 0, and version 0 on an SQLite database that
// already has tables (not a registry). Lower versions are accepted: migrate() upgrades them.
[[nodiscard]] Result<void> check_schema_version(sql::Db& db, int version);

}  // namespace hwtotp::store
