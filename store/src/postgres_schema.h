#pragma once
// The registry schema in PostgreSQL and its forward migrations, versioned in the table
// hwtotp_schema. The same tables, columns and rules as the SQLite schema at
// hwtotp::store::schema_version (schema.cpp), in PostgreSQL's types.

#include "hwtotp/store/registry.h"
#include "hwtotp/totp/error.h"
#include "postgres.h"

namespace hwtotp::store {

// The newest PostgreSQL schema version (1: SQLite schema 4's tables).
inline constexpr int postgres_schema_version = 1;

// Brings the database to postgres_schema_version: each migration once, all in one transaction
// holding an advisory lock, so hosts starting at once migrate it once (the others wait, then
// find it current). Refuses a database from a newer hwtotp, and (unless `access` creates) one
// that holds no registry.
[[nodiscard]] Result<void> migrate_postgres(pg::Connection& connection, Registry::Access access);

}  // namespace hwtotp::store
