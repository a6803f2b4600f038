// The registry over SQLite: every state change one conditional statement (backend.h).

#include "sqlite_backend.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "registry_files.h"
#include "schema.h"
#include "sqlite.h"

namespace hwtotp::store {
namespace {

constexpr const char* token_columns =
    "serial, label, issuer, manufacturer, type, algorithm, digits, period, t0, counter, source, "
    "imported_at, last_step, offset_steps, failures, locked, locked_since, seed_nonce, "
    "seed_sealed, last_failure_at, owner";

std::optional<std::int64_t> optional_int(const sql::Statement& row, int index) {
    if (row.column_is_null(index))
        return std::nullopt;
    return row.column_int(index);
}

Result<TokenInfo> read_token_row(const sql::Statement& row, const std::string& db_path) {
    TokenInfo info;
    TokenDescription& d = info.description;
    d.serial = row.column_text(0);
    d.label = row.column_text(1);
    d.issuer = row.column_text(2);
    d.manufacturer = row.column_text(3);
    d.type = row.column_text(4) == "hotp" ? OtpType::hotp : OtpType::totp;
    HWTOTP_ASSIGN_OR_RETURN(d.params,
                            stored_params(db_path, d.serial, row.column_text(5), row.column_int(6),
                                          row.column_int(7), row.column_int(8)));
    d.counter = static_cast<std::uint64_t>(row.column_int(9));
    d.source = row.column_text(10);
    info.imported_at = row.column_int(11);
    if (auto last = optional_int(row, 12))
        info.state.last_step = static_cast<std::uint64_t>(*last);
    info.state.offset_steps = row.column_int(13);
    d.offset_steps = info.state.offset_steps;
    info.state.failures = static_cast<int>(row.column_int(14));
    info.state.locked = row.column_int(15) != 0;
    info.state.locked_since = optional_int(row, 16);
    info.state.last_failure_at = optional_int(row, 19);
    if (!row.column_is_null(20))
        d.owner = row.column_text(20);
    return info;
}

// "CASE failures WHEN k THEN last_failure_at >= ?(first + i) ... ELSE 0 END": true when the
// attempts counted so far must still wait after the last failure (backend.h).
std::string throttled_sql(const std::vector<ThrottleThreshold>& thresholds, int first) {
    if (thresholds.empty())
        return "0";
    std::string sql = "CASE failures";
    for (std::size_t i = 0; i < thresholds.size(); ++i) {
        sql += " WHEN " + std::to_string(thresholds[i].failures) + " THEN last_failure_at >= ?" +
               std::to_string(first + static_cast<int>(i));
    }
    return sql + " ELSE 0 END";
}

// The attempt still holds its place in the count: no success or resync since it was counted
// (both change last_step or counter). Parameters ?7 and ?8, bound by bind_attempt.
constexpr const char* attempt_held_sql = "(last_step IS ?7 AND counter = ?8)";

// A success settles its attempt: the count is reset, attempts still being checked included (as
// a success always did), and a lock is lifted while the attempt holds its place. A lock that
// came while it was being checked was brought about by counting it (at most max_failures
// attempts are ever counted, this one among them); a lock that came after a success or resync
// since then was not, and refuses it.
constexpr const char* settle_success_sql = "failures = 0, locked = 0, locked_since = NULL";

// ?6: the limit the attempt was counted under; ?7, ?8: attempt_held_sql's.
void bind_attempt(sql::Statement& stmt, const Attempt& attempt) {
    stmt.bind(6, static_cast<std::int64_t>(attempt.max_failures));
    if (attempt.last_step)
        stmt.bind(7, *attempt.last_step);
    else
        stmt.bind_null(7);
    stmt.bind(8, attempt.counter);
}

// Ends the read transaction of a walk (nothing was written: rolling back just ends it).
struct ReadSnapshot {
    explicit ReadSnapshot(sql::Db& d) : db(d) {}
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    ~ReadSnapshot() { (void)db.exec("ROLLBACK"); }
    sql::Db& db;
};

class SqliteImport;

class SqliteBackend final : public RegistryBackend {
  public:
    explicit SqliteBackend(sql::Db d) : db(std::move(d)) {}

    sql::Db db;

    const std::string& name() const override { return db.path(); }

    Result<void> finish_open(crypto::SeedBox* seeds) override {
        HWTOTP_TRY(migrate(db, seeds));
        return check_database_companions(db);
    }

    Result<std::optional<std::vector<std::uint8_t>>> key_check() override {
        HWTOTP_ASSIGN_OR_RETURN(auto check,
                                db.prepare("SELECT value FROM meta WHERE name = 'key_check'"));
        HWTOTP_ASSIGN_OR_RETURN(const bool found, check.step());
        if (!found)
            return std::optional<std::vector<std::uint8_t>>{};
        return std::optional<std::vector<std::uint8_t>>{check.column_blob(0)};
    }

    Result<std::vector<std::uint8_t>> store_key_check(
        std::span<const std::uint8_t> value) override {
        HWTOTP_ASSIGN_OR_RETURN(
            auto insert,
            db.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES ('key_check', ?)"));
        insert.bind_blob(1, value);
        HWTOTP_TRY(insert.run());
        HWTOTP_ASSIGN_OR_RETURN(auto stored, key_check());
        if (!stored)
            return fail(ErrorCode::registry, "registry " + name() + ": the key check vanished");
        return std::move(*stored);
    }

    Result<bool> holds_tokens() override {
        HWTOTP_ASSIGN_OR_RETURN(auto any, db.prepare("SELECT 1 FROM tokens LIMIT 1"));
        return any.step();
    }

    // `columns` of the token's row, stepped onto it; not_found when there is none.
    Result<sql::Statement> select_token(std::string_view serial,
                                        std::string_view columns = token_columns) {
        HWTOTP_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT " + std::string(columns) +
                                                      " FROM tokens WHERE serial = ?"));
        stmt.bind(1, serial);
        HWTOTP_ASSIGN_OR_RETURN(const bool found, stmt.step());
        if (!found)
            return tl::unexpected(no_such_token(serial, name()));
        return stmt;
    }

    Result<StoredToken> token(std::string_view serial) override {
        HWTOTP_ASSIGN_OR_RETURN(auto stmt, select_token(serial));
        HWTOTP_ASSIGN_OR_RETURN(auto info, read_token_row(stmt, name()));
        return StoredToken{std::move(info), stmt.column_blob(17), stmt.column_blob(18)};
    }

    Result<std::vector<TokenInfo>> list() override {
        HWTOTP_ASSIGN_OR_RETURN(auto stmt, db.prepare(std::string("SELECT ") + token_columns +
                                                      " FROM tokens ORDER BY serial"));
        std::vector<TokenInfo> tokens;
        for (;;) {
            HWTOTP_ASSIGN_OR_RETURN(const bool row, stmt.step());
            if (!row)
                return tokens;
            HWTOTP_ASSIGN_OR_RETURN(auto info, read_token_row(stmt, name()));
            tokens.push_back(std::move(info));
        }
    }

    Result<std::optional<std::string>> walk_tokens(std::span<const std::string> serials,
                                                   const StoredTokenVisitor& visit) override {
        // A read transaction: the presence check and every row come from one snapshot.
        HWTOTP_TRY(db.exec("BEGIN"));
        ReadSnapshot snapshot{db};
        if (serials.empty()) {
            HWTOTP_ASSIGN_OR_RETURN(auto all, db.prepare(std::string("SELECT ") + token_columns +
                                                         " FROM tokens ORDER BY serial"));
            HWTOTP_TRY(visit_rows(all, visit));
            return std::optional<std::string>{};
        }
        HWTOTP_ASSIGN_OR_RETURN(auto present, db.prepare("SELECT 1 FROM tokens WHERE serial = ?"));
        for (const auto& serial : serials) {
            present.reset();
            present.bind_borrowed(1, serial);
            HWTOTP_ASSIGN_OR_RETURN(const bool found, present.step());
            if (!found)
                return std::optional<std::string>{serial};
        }
        HWTOTP_ASSIGN_OR_RETURN(auto one, db.prepare(std::string("SELECT ") + token_columns +
                                                     " FROM tokens WHERE serial = ?"));
        for (const auto& serial : serials) {
            one.reset();
            one.bind_borrowed(1, serial);
            HWTOTP_TRY(visit_rows(one, visit));
        }
        return std::optional<std::string>{};
    }

    // Each row of `stmt` as a StoredToken, one at a time.
    Result<void> visit_rows(sql::Statement& stmt, const StoredTokenVisitor& visit) {
        for (;;) {
            HWTOTP_ASSIGN_OR_RETURN(const bool row, stmt.step());
            if (!row)
                return {};
            HWTOTP_ASSIGN_OR_RETURN(auto info, read_token_row(stmt, name()));
            StoredToken stored{std::move(info), stmt.column_blob(17), stmt.column_blob(18)};
            HWTOTP_TRY(visit(stored));
        }
    }

    Result<std::vector<HistoryEntry>> history(std::string_view serial) override {
        HWTOTP_ASSIGN_OR_RETURN(
            auto stmt, db.prepare("SELECT at, offset_steps, observed_by FROM history WHERE "
                                  "serial = ? ORDER BY id"));
        stmt.bind(1, serial);
        std::vector<HistoryEntry> entries;
        for (;;) {
            HWTOTP_ASSIGN_OR_RETURN(const bool row, stmt.step());
            if (!row)
                return entries;
            HWTOTP_ASSIGN_OR_RETURN(const ObservedBy how, parse_observed_by(stmt.column_text(2)));
            entries.push_back(HistoryEntry{stmt.column_int(0), stmt.column_int(1), how});
        }
    }

    Result<void> remove(std::string_view serial) override {
        HWTOTP_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin_immediate(db));
        HWTOTP_ASSIGN_OR_RETURN(auto del, db.prepare("DELETE FROM tokens WHERE serial = ?"));
        del.bind(1, serial);
        HWTOTP_TRY(del.run());
        if (db.changes() == 0)
            return tl::unexpected(no_such_token(serial, name()));
        HWTOTP_ASSIGN_OR_RETURN(auto hist, db.prepare("DELETE FROM history WHERE serial = ?"));
        hist.bind(1, serial);
        HWTOTP_TRY(hist.run());
        return tx.commit();
    }

    Result<void> append_history(std::string_view serial, std::int64_t at, std::int64_t offset,
                                ObservedBy how) {
        HWTOTP_ASSIGN_OR_RETURN(auto stmt,
                                db.prepare("INSERT INTO history (serial, at, offset_steps, "
                                           "observed_by) VALUES (?, ?, ?, ?)"));
        stmt.bind(1, serial).bind(2, at).bind(3, offset).bind(4, observed_by_name(how));
        return stmt.run();
    }

    // Sets last_step, the offset and failures = 0, and appends a history entry, in one
    // transaction -- only when `step` is after the last accepted step (and the token is not
    // locked, if the lock refuses). The check and the write are one UPDATE: of two processes
    // recording the same step, the second finds last_step already equal to it and changes
    // nothing (a read followed by a later write would let both through). With an attempt, the
    // failures are settled as settle_success_sql says instead of reset.
    Result<AcceptOutcome> record_step(const StepRecord& r) override {
        HWTOTP_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin_immediate(db));
        const std::string sql =
            r.attempt == nullptr
                ? "UPDATE tokens SET last_step = ?1, offset_steps = ?2, failures = 0 "
                  "WHERE serial = ?3 AND (?4 = 0 OR locked = 0) "
                  "AND (last_step IS NULL OR last_step < ?1)"
                : std::string("UPDATE tokens SET last_step = ?1, offset_steps = ?2, ") +
                      settle_success_sql + " WHERE serial = ?3 AND (locked = 0 OR " +
                      attempt_held_sql + ") AND (last_step IS NULL OR last_step < ?1)";
        HWTOTP_ASSIGN_OR_RETURN(auto update, db.prepare(sql));
        update.bind(1, r.step).bind(2, r.offset).bind(3, r.serial);
        if (r.attempt == nullptr)
            update.bind(4, std::int64_t{r.lock_refuses ? 1 : 0});
        else
            bind_attempt(update, *r.attempt);
        HWTOTP_TRY(update.run());
        if (db.changes() != 1) {
            if (r.attempt != nullptr)
                return explain_refused(r.serial, "last_step", static_cast<std::uint64_t>(r.step));
            auto why = explain_no_change(r.serial);
            if (!why || r.lock_refuses)
                return why;
            return AcceptOutcome::replay;
        }
        HWTOTP_TRY(append_history(r.serial, r.at, r.offset, r.how));
        HWTOTP_TRY(tx.commit());
        return AcceptOutcome::recorded;
    }

    // Why a conditional update changed nothing: the token is gone, locked, or it was a replay.
    Result<AcceptOutcome> explain_no_change(std::string_view serial) {
        HWTOTP_ASSIGN_OR_RETURN(auto stmt, select_token(serial, "locked"));
        return stmt.column_int(0) != 0 ? AcceptOutcome::locked : AcceptOutcome::replay;
    }

    Result<AcceptOutcome> explain_refused(std::string_view serial, std::string_view column,
                                          std::uint64_t matched) {
        HWTOTP_ASSIGN_OR_RETURN(auto stmt, select_token(serial, "locked, " + std::string(column)));
        return explain_refused_accept(stmt.column_int(0) != 0, optional_int(stmt, 1),
                                      column == "counter", matched);
    }

    Result<AcceptOutcome> record_counter(std::string_view serial, std::int64_t counter,
                                         const Attempt* attempt) override {
        const std::string sql =
            attempt == nullptr ? "UPDATE tokens SET counter = ?1 + 1, failures = 0 "
                                 "WHERE serial = ?2 AND locked = 0 AND counter <= ?1"
                               : std::string("UPDATE tokens SET counter = ?1 + 1, ") +
                                     settle_success_sql + " WHERE serial = ?2 AND (locked = 0 OR " +
                                     attempt_held_sql + ") AND counter <= ?1";
        HWTOTP_ASSIGN_OR_RETURN(auto update, db.prepare(sql));
        update.bind(1, counter).bind(2, serial);
        if (attempt != nullptr)
            bind_attempt(update, *attempt);
        HWTOTP_TRY(update.run());
        if (db.changes() == 1)
            return AcceptOutcome::recorded;
        if (attempt == nullptr)
            return explain_no_change(serial);
        return explain_refused(serial, "counter", static_cast<std::uint64_t>(counter));
    }

    // Runs an UPDATE ... RETURNING failures, locked for the token `serial` (bound by the
    // caller), as a FailureOutcome.
    Result<FailureOutcome> failure_outcome(sql::Statement& update, std::string_view serial) {
        HWTOTP_ASSIGN_OR_RETURN(const bool found, update.step());
        if (!found)
            return tl::unexpected(no_such_token(serial, name()));
        const FailureOutcome outcome{static_cast<int>(update.column_int(0)),
                                     update.column_int(1) != 0};
        HWTOTP_TRY(update.run());
        return outcome;
    }

    Result<FailureOutcome> count_failure(std::string_view serial, int max_failures,
                                         std::int64_t at) override {
        // One statement: concurrent failures are all counted.
        HWTOTP_ASSIGN_OR_RETURN(
            auto update,
            db.prepare("UPDATE tokens SET failures = failures + 1, last_failure_at = ?2, "
                       "locked_since = CASE WHEN locked = 0 AND failures + 1 >= ?1 THEN ?2 ELSE "
                       "locked_since END, "
                       "locked = CASE WHEN failures + 1 >= ?1 THEN 1 ELSE locked END "
                       "WHERE serial = ?3 RETURNING failures, locked"));
        update.bind(1, static_cast<std::int64_t>(max_failures)).bind(2, at).bind(3, serial);
        return failure_outcome(update, serial);
    }

    Result<AttemptReservation> reserve_attempt(std::string_view serial, std::int64_t now,
                                               const AttemptRules& rules) override {
        // Not synced: the settling commit syncs it (registry.h, "Durability").
        HWTOTP_ASSIGN_OR_RETURN(auto unsynced, sql::UnsyncedCommits::begin(db));
        // One transaction, so that the explanation of a refusal reads the state the UPDATE saw.
        HWTOTP_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin_immediate(db));
        constexpr int first_threshold = 3;  // ?3, ?4, ...: one threshold per count that waits
        const auto thresholds = throttle_thresholds(rules, now);
        HWTOTP_ASSIGN_OR_RETURN(auto update,
                                db.prepare("UPDATE tokens SET failures = failures + 1 "
                                           "WHERE serial = ?1 AND locked = 0 AND failures < ?2 "
                                           "AND NOT (last_failure_at IS NOT NULL AND " +
                                           throttled_sql(thresholds, first_threshold) +
                                           ") RETURNING failures, last_step, counter"));
        update.bind(1, serial).bind(2, static_cast<std::int64_t>(rules.max_failures));
        for (std::size_t i = 0; i < thresholds.size(); ++i)
            update.bind(first_threshold + static_cast<int>(i), thresholds[i].threshold);
        HWTOTP_ASSIGN_OR_RETURN(const bool counted, update.step());
        AttemptReservation reservation;
        if (counted) {
            Attempt attempt;
            attempt.position = static_cast<int>(update.column_int(0));
            attempt.max_failures = rules.max_failures;
            attempt.last_step = optional_int(update, 1);
            attempt.counter = update.column_int(2);
            HWTOTP_TRY(update.run());
            reservation.failures = attempt.position;
            reservation.attempt = attempt;
        } else {
            HWTOTP_ASSIGN_OR_RETURN(auto state,
                                    select_token(serial, "locked, failures, last_failure_at"));
            reservation = explain_refused_attempt(state.column_int(0) != 0,
                                                  static_cast<int>(state.column_int(1)),
                                                  optional_int(state, 2).value_or(0), now, rules);
        }
        HWTOTP_TRY(tx.commit());
        return reservation;
    }

    Result<FailureOutcome> settle_failure(std::string_view serial, const Attempt& attempt,
                                          std::int64_t at) override {
        // The attempt was counted when it was reserved. The lock counts attempts still in
        // progress too: if one of them succeeds or is a replay, settling it lifts the lock.
        HWTOTP_ASSIGN_OR_RETURN(
            auto update,
            db.prepare("UPDATE tokens SET last_failure_at = ?2, "
                       "locked_since = CASE WHEN locked = 0 AND failures >= ?1 THEN ?2 ELSE "
                       "locked_since END, "
                       "locked = CASE WHEN failures >= ?1 THEN 1 ELSE locked END "
                       "WHERE serial = ?3 RETURNING failures, locked"));
        update.bind(1, static_cast<std::int64_t>(attempt.max_failures)).bind(2, at).bind(3, serial);
        return failure_outcome(update, serial);
    }

    Result<void> release_attempt(std::string_view serial, const Attempt& attempt) override {
        // Only while the attempt holds its place: after a success or resync the count it was
        // part of is gone already, and taking one off again would free a place that a wrong
        // code holds.
        HWTOTP_ASSIGN_OR_RETURN(
            auto update,
            db.prepare(std::string("UPDATE tokens SET failures = failures - 1, "
                                   "locked = CASE WHEN failures - 1 < ?6 THEN 0 ELSE locked "
                                   "END, locked_since = CASE WHEN failures - 1 < ?6 THEN NULL "
                                   "ELSE locked_since END "
                                   "WHERE serial = ?1 AND failures > 0 AND ") +
                       attempt_held_sql));
        update.bind(1, serial);
        bind_attempt(update, attempt);
        return update.run();
    }

    // Runs a one-token UPDATE with `serial` bound at 1 and `owner` (if any) at 2.
    Result<void> update_token(std::string_view serial, const char* sql,
                              std::optional<std::string_view> owner = std::nullopt) {
        HWTOTP_ASSIGN_OR_RETURN(auto update, db.prepare(sql));
        update.bind(1, serial);
        if (owner)
            update.bind(2, *owner);
        HWTOTP_TRY(update.run());
        if (db.changes() == 0)
            return tl::unexpected(no_such_token(serial, name()));
        return {};
    }

    Result<void> unlock(std::string_view serial) override {
        return update_token(serial,
                            "UPDATE tokens SET locked = 0, locked_since = NULL, failures = 0, "
                            "last_failure_at = NULL WHERE serial = ?1");
    }

    Result<void> assign_owner(std::string_view serial, std::string_view owner) override {
        HWTOTP_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin_immediate(db));
        HWTOTP_ASSIGN_OR_RETURN(
            auto other, db.prepare("SELECT serial FROM tokens WHERE owner = ?1 AND serial <> ?2"));
        other.bind(1, owner).bind(2, serial);
        HWTOTP_ASSIGN_OR_RETURN(const bool taken, other.step());
        if (taken) {
            return fail(ErrorCode::invalid_input, std::string(owner) + " already owns token " +
                                                      other.column_text(0) +
                                                      " (one token per owner: unassign it first)");
        }
        HWTOTP_TRY(update_token(serial, "UPDATE tokens SET owner = ?2 WHERE serial = ?1", owner));
        return tx.commit();
    }

    Result<void> unassign_owner(std::string_view serial) override {
        return update_token(serial, "UPDATE tokens SET owner = NULL WHERE serial = ?1");
    }

    Result<std::optional<std::string>> token_of_owner(std::string_view owner) override {
        HWTOTP_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT serial FROM tokens WHERE owner = ?"));
        stmt.bind(1, owner);
        HWTOTP_ASSIGN_OR_RETURN(const bool found, stmt.step());
        if (!found)
            return std::optional<std::string>{};
        return std::optional<std::string>{stmt.column_text(0)};
    }

    Result<std::unique_ptr<ImportSession>> begin_import() override;
};

// An import: one BEGIN IMMEDIATE transaction, its statements prepared once.
class SqliteImport final : public ImportSession {
  public:
    SqliteImport(SqliteBackend& b, sql::Transaction t, sql::Statement exists, sql::Statement insert,
                 sql::Statement update, sql::Statement history)
        : backend(b),
          tx(std::move(t)),
          exists_stmt(std::move(exists)),
          insert_stmt(std::move(insert)),
          update_stmt(std::move(update)),
          history_stmt(std::move(history)) {}

    SqliteBackend& backend;
    sql::Transaction tx;
    std::optional<sql::Statement> exists_stmt;
    std::optional<sql::Statement> insert_stmt;
    std::optional<sql::Statement> update_stmt;
    std::optional<sql::Statement> history_stmt;
    bool empty = false;

    bool started_empty() const override { return empty; }

    Result<bool> contains(std::string_view serial) override {
        exists_stmt->bind_borrowed(1, serial);
        auto row = exists_stmt->step();
        exists_stmt->reset();
        return row;
    }

    // Binds the description columns ?1..?10 and ?13, ?15, ?16 (the caller keeps `d` alive until
    // the statement is reset).
    static void bind_description(sql::Statement& stmt, const TokenDescription& d) {
        stmt.bind_borrowed(1, d.serial)
            .bind_borrowed(2, d.label)
            .bind_borrowed(3, d.issuer)
            .bind_borrowed(4, d.manufacturer)
            .bind_borrowed(5, otp_type_name(d.type))
            .bind_borrowed(6, hash_name(d.params.hash()))
            .bind(7, static_cast<std::int64_t>(d.params.digits()))
            .bind(8, d.params.period())
            .bind(9, d.params.t0())
            .bind(10, static_cast<std::int64_t>(d.counter))
            .bind_borrowed(13, d.source)
            .bind(15, d.offset_steps);
        if (d.owner.empty())
            stmt.bind_null(16);
        else
            stmt.bind_borrowed(16, d.owner);
    }

    // Runs the insert or update; a UNIQUE failure with an owner is the owner's index.
    static Result<ImportWrite> run_write(sql::Statement& stmt, const TokenDescription& d) {
        auto ok = stmt.run();
        stmt.reset();
        if (!ok && !d.owner.empty() && ok.error().message.find("UNIQUE") != std::string::npos)
            return ImportWrite::owner_taken;
        HWTOTP_TRY(ok);
        return ImportWrite::written;
    }

    Result<ImportWrite> write(const SealedToken& token, bool present, std::int64_t now) override {
        const TokenDescription& d = token.description();
        sql::Statement& stmt = present ? *update_stmt : *insert_stmt;
        bind_description(stmt, d);
        stmt.bind_blob_borrowed(11, token.nonce())
            .bind_blob_borrowed(12, token.sealed_seed())
            .bind(14, now);
        HWTOTP_ASSIGN_OR_RETURN(const ImportWrite written, run_write(stmt, d));
        if (written != ImportWrite::written)
            return written;
        history_stmt->bind_borrowed(1, d.serial)
            .bind(2, now)
            .bind(3, d.offset_steps)
            .bind_borrowed(4, observed_by_name(ObservedBy::import));
        auto ok = history_stmt->run();
        history_stmt->reset();
        HWTOTP_TRY(ok);
        return ImportWrite::written;
    }

    Result<ImportWrite> write_copy(const StoredToken& token,
                                   const std::vector<HistoryEntry>& history, bool present) override;

    Result<void> commit() override {
        // Finalize the statements first: COMMIT does not need them, and they pin the schema.
        exists_stmt.reset();
        insert_stmt.reset();
        update_stmt.reset();
        history_stmt.reset();
        return tx.commit();
    }
};

Result<ImportWrite> SqliteImport::write_copy(const StoredToken& token,
                                             const std::vector<HistoryEntry>& history,
                                             bool present) {
    sql::Db& db = backend.db;
    if (present) {
        // Delete, then a plain INSERT: INSERT OR REPLACE would also delete whichever other token
        // holds the same owner.
        for (const char* sql :
             {"DELETE FROM tokens WHERE serial = ?", "DELETE FROM history WHERE serial = ?"}) {
            HWTOTP_ASSIGN_OR_RETURN(auto del, db.prepare(sql));
            del.bind(1, token.info.description.serial);
            HWTOTP_TRY(del.run());
        }
    }
    const TokenDescription& d = token.info.description;
    const TokenState& s = token.info.state;
    HWTOTP_ASSIGN_OR_RETURN(
        auto stmt,
        db.prepare("INSERT INTO tokens (serial, label, issuer, manufacturer, type, "
                   "algorithm, digits, period, t0, counter, seed_nonce, seed_sealed, source, "
                   "imported_at, offset_steps, owner, last_step, failures, locked, locked_since, "
                   "last_failure_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                   "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)"));
    bind_description(stmt, d);
    stmt.bind_blob_borrowed(11, token.nonce)
        .bind_blob_borrowed(12, token.sealed)
        .bind(14, token.info.imported_at)
        .bind(15, s.offset_steps)
        .bind(18, static_cast<std::int64_t>(s.failures))
        .bind(19, std::int64_t{s.locked ? 1 : 0});
    const auto bind_optional = [&](int index, std::optional<std::int64_t> value) {
        if (value)
            stmt.bind(index, *value);
        else
            stmt.bind_null(index);
    };
    bind_optional(17, s.last_step
                          ? std::optional<std::int64_t>(static_cast<std::int64_t>(*s.last_step))
                          : std::nullopt);
    bind_optional(20, s.locked_since);
    bind_optional(21, s.last_failure_at);
    HWTOTP_ASSIGN_OR_RETURN(const ImportWrite written, run_write(stmt, d));
    if (written != ImportWrite::written)
        return written;
    for (const HistoryEntry& entry : history)
        HWTOTP_TRY(backend.append_history(d.serial, entry.at, entry.offset_steps, entry.how));
    return ImportWrite::written;
}

Result<std::unique_ptr<ImportSession>> SqliteBackend::begin_import() {
    HWTOTP_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin_immediate(db));
    HWTOTP_ASSIGN_OR_RETURN(auto exists, db.prepare("SELECT 1 FROM tokens WHERE serial = ?"));
    HWTOTP_ASSIGN_OR_RETURN(auto any, db.prepare("SELECT 1 FROM tokens LIMIT 1"));
    HWTOTP_ASSIGN_OR_RETURN(
        auto insert,
        db.prepare("INSERT INTO tokens (serial, label, issuer, manufacturer, type, algorithm, "
                   "digits, period, t0, counter, seed_nonce, seed_sealed, source, imported_at, "
                   "offset_steps, owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                   "?12, ?13, ?14, ?15, ?16)"));
    HWTOTP_ASSIGN_OR_RETURN(
        auto update,
        db.prepare("UPDATE tokens SET label = ?2, issuer = ?3, manufacturer = ?4, type = ?5, "
                   "algorithm = ?6, digits = ?7, period = ?8, t0 = ?9, counter = ?10, "
                   "seed_nonce = ?11, seed_sealed = ?12, source = ?13, imported_at = ?14, "
                   "offset_steps = ?15, owner = ?16, last_step = NULL, failures = 0, "
                   "locked = 0, locked_since = NULL, last_failure_at = NULL WHERE serial = ?1"));
    HWTOTP_ASSIGN_OR_RETURN(auto history, db.prepare("INSERT INTO history (serial, at, "
                                                     "offset_steps, observed_by) VALUES (?, ?, "
                                                     "?, ?)"));
    HWTOTP_ASSIGN_OR_RETURN(const bool has_tokens, any.step());
    auto session =
        std::make_unique<SqliteImport>(*this, std::move(tx), std::move(exists), std::move(insert),
                                       std::move(update), std::move(history));
    session->empty = !has_tokens;
    return std::unique_ptr<ImportSession>(std::move(session));
}

}  // namespace

Result<std::unique_ptr<RegistryBackend>> open_sqlite_backend(const Registry::Options& options) {
    using Access = Registry::Access;
    const RegistryPaths& paths = options.paths;
    HWTOTP_ASSIGN_OR_RETURN(auto opened,
                            open_database(paths, options.access, options.busy_timeout_ms));
    sql::Db& db = opened.db;
    HWTOTP_ASSIGN_OR_RETURN(const int version, read_schema_version(db));
    HWTOTP_TRY(check_schema_version(db, version));
    if (version == 0 && options.access != Access::create)
        return tl::unexpected(no_registry(paths.db));
    if (version != schema_version && options.access == Access::read)
        return std::unique_ptr<RegistryBackend>{};
    // A new registry gets its tables before its key check (stored in one of them).
    if (version == 0)
        HWTOTP_TRY(migrate(db, nullptr));
    if (!options.checkpoint_on_close)
        HWTOTP_TRY(leave_checkpoints_to_sqlite(db));
    return std::unique_ptr<RegistryBackend>(std::make_unique<SqliteBackend>(std::move(opened.db)));
}

}  // namespace hwtotp::store
