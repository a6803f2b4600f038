#pragma once
// The registry's database files on disk: checked before SQLite sees them, and opened for one
// kind of access (see Registry::open for the rules).

#include "hwtotp/store/paths.h"
#include "hwtotp/store/registry.h"
#include "hwtotp/totp/error.h"
#include "sqlite.h"

namespace hwtotp::store {

struct OpenedDatabase {
    sql::Db db;
    bool created = false;  // this call created the (empty) database file
};

// Checks the database's directory, then the database, -wal and -shm files, and opens the
// database for `access`: create and write claim (create if absent, else check) the files
// before SQLite opens them, so SQLite never opens a file someone else planted; read creates
// nothing and opens read-only (immutable when the directory cannot hold a -shm file and no -wal
// file holds changes). Sets WAL mode and FULL sync for writers.
[[nodiscard]] Result<OpenedDatabase> open_database(const RegistryPaths& paths,
                                                   Registry::Access access, int busy_timeout_ms);

// After SQLite has opened them: the -wal and -shm files, when present, are still the caller's
// and no one else may write them. Closes off the gap where SQLite itself created one (a reader
// creates -shm; a new database's empty -wal is removed and made again). On failure the
// connection will not checkpoint on close, so nothing from those files reaches the database.
[[nodiscard]] Result<void> check_database_companions(sql::Db& db);

// Registry::Options::checkpoint_on_close = false: closing `db` will not checkpoint, and
// SQLite's automatic checkpoint keeps the -wal file to a few logins' worth of pages (each
// connection that opens the database first rebuilds its index of the -wal file by reading it
// whole: a long -wal file would make every login slower).
[[nodiscard]] Result<void> leave_checkpoints_to_sqlite(sql::Db& db);

// "no registry at PATH": the error for write and read access to a missing or empty database.
[[nodiscard]] Error no_registry(const std::string& db_path);

}  // namespace hwtotp::store
