// Registry schema. Migration i (0-based) takes user_version i to i + 1; never edit a released one.

#include "schema.h"

#include <array>
#include <string>

#include "hwtotp/store/registry.h"

namespace hwtotp::store {
namespace {

// Version 1. Steps and counters are stored as SQLite integers (signed 64-bit): TOTP steps stay
// far below 2^63 for any period >= 1 s until the year 292 billion.
// CHECKs compare with OR rather than IN (...): SQLite evaluates a constant IN list in a CHECK by
// building an ephemeral table for every row written, which was most of an import's time.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE tokens (
    serial        TEXT PRIMARY KEY,
    label         TEXT NOT NULL DEFAULT '',
    issuer        TEXT NOT NULL DEFAULT '',
    manufacturer  TEXT NOT NULL DEFAULT '',
    type          TEXT NOT NULL CHECK (type = 'totp' OR type = 'hotp'),
    algorithm     TEXT NOT NULL CHECK (algorithm = 'sha1' OR algorithm = 'sha256' OR algorithm = 'sha512'),
    digits        INTEGER NOT NULL CHECK (digits BETWEEN 6 AND 8),
    period        INTEGER NOT NULL CHECK (period >= 1),
    t0            INTEGER NOT NULL,
    counter       INTEGER NOT NULL DEFAULT 0,
    seed_nonce    BLOB NOT NULL,
    seed_sealed   BLOB NOT NULL,
    source        TEXT NOT NULL DEFAULT '',
    imported_at   INTEGER NOT NULL,
    last_step     INTEGER,
    offset_steps  INTEGER NOT NULL DEFAULT 0,
    failures      INTEGER NOT NULL DEFAULT 0,
    locked        INTEGER NOT NULL DEFAULT 0,
    locked_since  INTEGER
) WITHOUT ROWID;
CREATE TABLE history (
    id            INTEGER PRIMARY KEY,
    serial        TEXT NOT NULL,
    at            INTEGER NOT NULL,
    offset_steps  INTEGER NOT NULL,
    observed_by   TEXT NOT NULL CHECK (observed_by = 'verify' OR observed_by = 'resync' OR
                                 observed_by = 'enroll' OR observed_by = 'import')
);
CREATE INDEX history_by_serial ON history (serial, id);
CREATE TRIGGER history_append_only BEFORE UPDATE ON history
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;
)sql";

// Version 2: the time of the last failed verify, for throttling (RFC 4226 section 7.3). NULL
// until a failure is recorded, so tokens migrated from version 1 start unthrottled.
constexpr const char* schema_v2 = R"sql(
ALTER TABLE tokens ADD COLUMN last_failure_at INTEGER;
)sql";

constexpr std::array<const char*, schema_version> migrations{schema_v1, schema_v2};

}  // namespace

Result<int> read_schema_version(sql::Db& db) {
    auto stmt = db.prepare("PRAGMA user_version");
    if (!stmt)
        return tl::unexpected(stmt.error());
    auto row = stmt->step();
    if (!row)
        return tl::unexpected(row.error());
    return static_cast<int>(stmt->column_int(0));
}

Result<void> migrate(sql::Db& db) {
    // Quick check outside a transaction: most opens find the schema current.
    auto version = read_schema_version(db);
    if (!version)
        return tl::unexpected(version.error());
    if (*version == schema_version)
        return {};

    auto tx = sql::Transaction::begin_immediate(db);
    if (!tx)
        return tl::unexpected(tx.error());
    version = read_schema_version(db);  // another process may have migrated meanwhile
    if (!version)
        return tl::unexpected(version.error());
    if (*version > schema_version) {
        return fail(ErrorCode::registry,
                    "registry " + db.path() + " has schema version " + std::to_string(*version) +
                        ", written by a newer hwtotp; this hwtotp reads up to version " +
                        std::to_string(schema_version) + " (upgrade hwtotp)");
    }
    if (*version < 0)
        return fail(ErrorCode::registry,
                    "registry " + db.path() + " has an invalid schema version");
    if (*version == 0) {
        auto count = db.prepare("SELECT count(*) FROM sqlite_schema");
        if (!count)
            return tl::unexpected(count.error());
        if (auto row = count->step(); !row)
            return tl::unexpected(row.error());
        if (count->column_int(0) != 0) {
            return fail(ErrorCode::registry,
                        db.path() + " is an SQLite database but not an hwtotp registry");
        }
    }
    for (int v = *version; v < schema_version; ++v) {
        if (auto ok = db.exec(migrations.at(static_cast<std::size_t>(v))); !ok)
            return ok;
    }
    if (auto ok = db.exec("PRAGMA user_version = " + std::to_string(schema_version)); !ok)
        return ok;
    return tx->commit();
}

}  // namespace hwtotp::store
