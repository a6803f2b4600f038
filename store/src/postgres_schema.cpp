// PostgreSQL registry schema. Migration i (0-based) takes version i to i + 1; never edit a
// released one.

#include "postgres_schema.h"

#include <array>
#include <string>

#include "registry_files.h"

namespace hwtotp::store {
namespace {

// Version 1: SQLite schema 4 (schema.cpp). Serials and owners compare byte by byte (COLLATE
// "C"), as in SQLite, so `tokens list` orders alike on both. Numbers are bigint (SQLite's
// integers); the lock is a boolean.
constexpr const char* postgres_v1 = R"sql(
CREATE TABLE meta (
    name  text PRIMARY KEY,
    value bytea NOT NULL
);
CREATE TABLE tokens (
    serial          text COLLATE "C" PRIMARY KEY,
    label           text NOT NULL DEFAULT '',
    issuer          text NOT NULL DEFAULT '',
    manufacturer    text NOT NULL DEFAULT '',
    type            text NOT NULL CHECK (type IN ('totp', 'hotp')),
    algorithm       text NOT NULL CHECK (algorithm IN ('sha1', 'sha256', 'sha512')),
    digits          bigint NOT NULL CHECK (digits BETWEEN 6 AND 8),
    period          bigint NOT NULL CHECK (period >= 1),
    t0              bigint NOT NULL,
    counter         bigint NOT NULL DEFAULT 0,
    seed_nonce      bytea NOT NULL,
    seed_sealed     bytea NOT NULL,
    source          text NOT NULL DEFAULT '',
    imported_at     bigint NOT NULL,
    last_step       bigint,
    offset_steps    bigint NOT NULL DEFAULT 0,
    failures        bigint NOT NULL DEFAULT 0,
    locked          boolean NOT NULL DEFAULT false,
    locked_since    bigint,
    last_failure_at bigint,
    owner           text COLLATE "C"
);
CREATE UNIQUE INDEX tokens_by_owner ON tokens (owner) WHERE owner IS NOT NULL;
CREATE TABLE history (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    serial        text COLLATE "C" NOT NULL,
    at            bigint NOT NULL,
    offset_steps  bigint NOT NULL,
    observed_by   text NOT NULL
                  CHECK (observed_by IN ('verify', 'resync', 'enroll', 'import', 'login'))
);
CREATE INDEX history_by_serial ON history (serial, id);
CREATE FUNCTION hwtotp_history_append_only() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN RAISE EXCEPTION 'history is append-only'; END $$;
CREATE TRIGGER history_append_only BEFORE UPDATE ON history
    FOR EACH ROW EXECUTE FUNCTION hwtotp_history_append_only();
)sql";

constexpr std::array<const char*, postgres_schema_version> postgres_migrations{postgres_v1};

// The advisory lock migrations hold ("hwtotp" in ASCII): one migration at a time per database.
constexpr std::int64_t migration_lock = 0x6877746f7470;

Result<int> read_version(pg::Connection& connection) {
    // A query of the catalog, not to_regclass(): the name lookup of the latter may answer from
    // a cache that still says "absent" after another host created the table while this one
    // waited for the migration lock.
    HWTOTP_ASSIGN_OR_RETURN(auto exists,
                            connection.exec("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables "
                                            "WHERE schemaname = current_schema() AND "
                                            "tablename = 'hwtotp_schema')"));
    if (!exists.boolean(0, 0))
        return 0;
    HWTOTP_ASSIGN_OR_RETURN(auto version,
                            connection.exec("SELECT coalesce(max(version), 0) FROM hwtotp_schema"));
    return static_cast<int>(version.integer(0, 0));
}

// The same in one statement, outside a transaction (where a failed statement costs nothing): a
// registry without the table gets undefined_table, which is version 0. Every open pays this
// round trip, the migration path the two above.
Result<int> quick_version(pg::Connection& connection) {
    auto version = connection.exec("SELECT coalesce(max(version), 0) FROM hwtotp_schema");
    if (version)
        return static_cast<int>(version->integer(0, 0));
    if (connection.last_sqlstate() == pg::undefined_table)
        return 0;
    return tl::unexpected(version.error());
}

Result<void> check_version(const pg::Connection& connection, int version, Registry::Access access) {
    if (version > postgres_schema_version) {
        return fail(ErrorCode::registry,
                    "registry " + connection.name() + " has schema version " +
                        std::to_string(version) +
                        ", written by a newer hwtotp; this hwtotp reads up to version " +
                        std::to_string(postgres_schema_version) + " (upgrade hwtotp)");
    }
    if (version == 0 && access != Registry::Access::create)
        return tl::unexpected(no_registry(connection.name()));
    return {};
}

}  // namespace

Result<void> migrate_postgres(pg::Connection& connection, Registry::Access access) {
    // Quick check outside a transaction: most opens find the schema current.
    HWTOTP_ASSIGN_OR_RETURN(int version, quick_version(connection));
    HWTOTP_TRY(check_version(connection, version, access));
    if (version == postgres_schema_version)
        return {};

    HWTOTP_ASSIGN_OR_RETURN(auto tx, pg::Transaction::begin(connection));
    HWTOTP_TRY(
        connection.exec("SELECT pg_advisory_xact_lock($1)", pg::Params().add(migration_lock)));
    // Another host may have migrated while this one waited for the lock.
    HWTOTP_ASSIGN_OR_RETURN(version, read_version(connection));
    HWTOTP_TRY(check_version(connection, version, access));
    if (version == postgres_schema_version)
        return tx.commit();
    HWTOTP_TRY(
        connection.exec_script("CREATE TABLE IF NOT EXISTS hwtotp_schema (version integer NOT "
                               "NULL)"));
    for (int v = version; v < postgres_schema_version; ++v)
        HWTOTP_TRY(connection.exec_script(postgres_migrations.at(static_cast<std::size_t>(v))));
    HWTOTP_TRY(connection.exec_script("DELETE FROM hwtotp_schema"));
    HWTOTP_TRY(connection.exec("INSERT INTO hwtotp_schema (version) VALUES ($1)",
                               pg::Params().add(std::int64_t{postgres_schema_version})));
    return tx.commit();
}

}  // namespace hwtotp::store
