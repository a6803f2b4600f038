#pragma once
// The registry in a PostgreSQL database (backend.h), shared by many hosts: every guard of a
// verify is one UPDATE ... WHERE ... RETURNING in its own transaction, which PostgreSQL evaluates
// again on the newest version of the row after waiting for its lock (read committed), so
// concurrent verifiers on any number of connections see each other's changes.

#include <memory>

#include "backend.h"
#include "hwtotp/store/registry.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::store {

// Connects to options.paths.db (a connection URI), migrates the schema (postgres_schema.h);
// with read access the session is read-only afterwards.
[[nodiscard]] Result<std::unique_ptr<RegistryBackend>> open_postgres_backend(
    const Registry::Options& options);

}  // namespace hwtotp::store
