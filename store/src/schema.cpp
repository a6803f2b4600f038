// Registry schema. Migration i (0-based) takes user_version i to i + 1; never edit a released one.

#include "schema.h"

#include <array>
#include <string>
#include <vector>

#include "hwtotp/store/registry.h"
#include "seed_aad.h"

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

// Version 3: seeds are sealed with the token's parameters in the associated data (seed_aad.h).
// No table changes; reseal_seeds() below re-seals every stored seed.
constexpr const char* schema_v3 = "";
constexpr int version_binding_parameters = 3;

// Version 4: owners and logins. A token's owner is the user it is assigned to (PAM maps the
// login name to it; Entra, privacyIDEA and pam_oath files name one); at most one token per user,
// so a login never has to choose. The history accepts 'login' (an accepted PAM login): SQLite
// cannot change a CHECK in place, so the table is copied into one with the wider CHECK, ids kept.
constexpr const char* schema_v4 = R"sql(
ALTER TABLE tokens ADD COLUMN owner TEXT;
CREATE UNIQUE INDEX tokens_by_owner ON tokens (owner) WHERE owner IS NOT NULL;
CREATE TABLE history_v4 (
    id            INTEGER PRIMARY KEY,
    serial        TEXT NOT NULL,
    at            INTEGER NOT NULL,
    offset_steps  INTEGER NOT NULL,
    observed_by   TEXT NOT NULL CHECK (observed_by = 'verify' OR observed_by = 'resync' OR
                                 observed_by = 'enroll' OR observed_by = 'import' OR
                                 observed_by = 'login')
);
INSERT INTO history_v4 (id, serial, at, offset_steps, observed_by)
    SELECT id, serial, at, offset_steps, observed_by FROM history;
DROP TABLE history;
ALTER TABLE history_v4 RENAME TO history;
CREATE INDEX history_by_serial ON history (serial, id);
CREATE TRIGGER history_append_only BEFORE UPDATE ON history
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;
)sql";

constexpr std::array<const char*, schema_version> migrations{schema_v1, schema_v2, schema_v3,
                                                             schema_v4};

struct StoredSeed {
    std::string serial;
    OtpType type = OtpType::totp;
    Params params = Params::standard();
    std::vector<std::uint8_t> nonce;
    std::vector<std::uint8_t> sealed;
};

Error unreadable_token(const std::string& db_path, const std::string& serial,
                       const std::string& why) {
    return Error{ErrorCode::registry, "registry " + db_path + ": token " + serial + " " + why};
}

Result<std::vector<StoredSeed>> read_stored_seeds(sql::Db& db) {
    HWTOTP_ASSIGN_OR_RETURN(
        auto stmt, db.prepare("SELECT serial, type, algorithm, digits, period, t0, seed_nonce, "
                              "seed_sealed FROM tokens ORDER BY serial"));
    std::vector<StoredSeed> seeds;
    for (;;) {
        HWTOTP_ASSIGN_OR_RETURN(const bool row, stmt.step());
        if (!row)
            return seeds;
        StoredSeed seed;
        seed.serial = stmt.column_text(0);
        seed.type = stmt.column_text(1) == "hotp" ? OtpType::hotp : OtpType::totp;
        auto params = parse_hash(stmt.column_text(2)).and_then([&](Hash hash) {
            return Params::create(hash, static_cast<int>(stmt.column_int(3)), stmt.column_int(4),
                                  stmt.column_int(5));
        });
        if (!params) {
            return tl::unexpected(unreadable_token(
                db.path(), seed.serial, "has invalid parameters: " + params.error().message));
        }
        seed.params = *params;
        seed.nonce = stmt.column_blob(6);
        seed.sealed = stmt.column_blob(7);
        seeds.push_back(std::move(seed));
    }
}

// Opens each seed with version 1's associated data (the serial) and seals it again, with a
// fresh nonce, under version 2's (serial and parameters). All rows are read before the first
// is rewritten: SQLite leaves a scan of a table that is updated meanwhile undefined.
Result<void> reseal_seeds(sql::Db& db, crypto::SeedBox* seeds) {
    HWTOTP_ASSIGN_OR_RETURN(auto stored, read_stored_seeds(db));
    if (stored.empty())
        return {};
    if (seeds == nullptr)
        return fail(ErrorCode::internal, "re-sealing seeds without the master key");
    HWTOTP_ASSIGN_OR_RETURN(
        auto update,
        db.prepare("UPDATE tokens SET seed_nonce = ?1, seed_sealed = ?2 WHERE serial = ?3"));
    for (const StoredSeed& s : stored) {
        auto seed = seeds->open(s.nonce, s.sealed, seed_aad_v1(s.serial));
        if (!seed) {
            return tl::unexpected(unreadable_token(
                db.path(), s.serial,
                "has a seed that does not decrypt (the record was altered or moved from another "
                "row); nothing was upgraded"));
        }
        HWTOTP_ASSIGN_OR_RETURN(auto sealed,
                                seeds->seal(seed->expose(), seed_aad(s.serial, s.type, s.params)));
        update.bind_blob(1, sealed.nonce).bind_blob(2, sealed.ciphertext).bind(3, s.serial);
        HWTOTP_TRY(update.run());
        update.reset();
    }
    return {};
}

}  // namespace

Result<int> read_schema_version(sql::Db& db) {
    HWTOTP_ASSIGN_OR_RETURN(auto stmt, db.prepare("PRAGMA user_version"));
    HWTOTP_TRY(stmt.step());
    return static_cast<int>(stmt.column_int(0));
}

Result<void> check_schema_version(sql::Db& db, int version) {
    if (version > schema_version) {
        return fail(ErrorCode::registry,
                    "registry " + db.path() + " has schema version " + std::to_string(version) +
                        ", written by a newer hwtotp; this hwtotp reads up to version " +
                        std::to_string(schema_version) + " (upgrade hwtotp)");
    }
    if (version < 0)
        return fail(ErrorCode::registry,
                    "registry " + db.path() + " has an invalid schema version");
    if (version == 0) {
        HWTOTP_ASSIGN_OR_RETURN(auto count, db.prepare("SELECT count(*) FROM sqlite_schema"));
        HWTOTP_TRY(count.step());
        if (count.column_int(0) != 0) {
            return fail(ErrorCode::registry,
                        db.path() + " is an SQLite database but not an hwtotp registry");
        }
    }
    return {};
}

Result<void> migrate(sql::Db& db, crypto::SeedBox* seeds) {
    // Quick check outside a transaction: most opens find the schema current.
    HWTOTP_ASSIGN_OR_RETURN(int version, read_schema_version(db));
    if (version == schema_version)
        return {};

    HWTOTP_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin_immediate(db));
    // Another process may have migrated meanwhile.
    HWTOTP_ASSIGN_OR_RETURN(version, read_schema_version(db));
    HWTOTP_TRY(check_schema_version(db, version));
    for (int v = version; v < schema_version; ++v) {
        HWTOTP_TRY(db.exec(migrations.at(static_cast<std::size_t>(v))));
        if (v + 1 == version_binding_parameters)
            HWTOTP_TRY(reseal_seeds(db, seeds));
    }
    HWTOTP_TRY(db.exec("PRAGMA user_version = " + std::to_string(schema_version)));
    return tx.commit();
}

}  // namespace hwtotp::store
