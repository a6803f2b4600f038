// The registry over PostgreSQL: every state change one conditional statement (backend.h).

#include "postgres_backend.h"

#include <span>
#include <unordered_set>
#include <utility>

#include "postgres.h"
#include "postgres_schema.h"

namespace hwtotp::store {
namespace {

// Not `using pg::Params`: in a unity build that name would reach the other store sources.
using SqlParams = pg::Params;

constexpr const char* token_columns =
    "serial, label, issuer, manufacturer, type, algorithm, digits, period, t0, counter, source, "
    "imported_at, last_step, offset_steps, failures, locked, locked_since, seed_nonce, "
    "seed_sealed, last_failure_at, owner";

// Imports and copies of one database one at a time, without blocking verifies (a table lock
// would): a registry that was empty when an import began then stays so but for its own rows.
constexpr std::int64_t import_lock = 0x6877746f7471;

Result<StoredToken> read_token_row(const pg::Rows& rows, int r, const std::string& name) {
    StoredToken stored;
    TokenInfo& info = stored.info;
    TokenDescription& d = info.description;
    d.serial = rows.text(r, 0);
    d.label = rows.text(r, 1);
    d.issuer = rows.text(r, 2);
    d.manufacturer = rows.text(r, 3);
    d.type = rows.text(r, 4) == "hotp" ? OtpType::hotp : OtpType::totp;
    HWTOTP_ASSIGN_OR_RETURN(d.params,
                            stored_params(name, d.serial, rows.text(r, 5), rows.integer(r, 6),
                                          rows.integer(r, 7), rows.integer(r, 8)));
    d.counter = static_cast<std::uint64_t>(rows.integer(r, 9));
    d.source = rows.text(r, 10);
    info.imported_at = rows.integer(r, 11);
    if (auto last = rows.optional_integer(r, 12))
        info.state.last_step = static_cast<std::uint64_t>(*last);
    info.state.offset_steps = rows.integer(r, 13);
    d.offset_steps = info.state.offset_steps;
    info.state.failures = static_cast<int>(rows.integer(r, 14));
    info.state.locked = rows.boolean(r, 15);
    info.state.locked_since = rows.optional_integer(r, 16);
    stored.nonce = rows.bytes(r, 17);
    stored.sealed = rows.bytes(r, 18);
    info.state.last_failure_at = rows.optional_integer(r, 19);
    if (!rows.is_null(r, 20))
        d.owner = rows.text(r, 20);
    return stored;
}

// "CASE failures WHEN k THEN last_failure_at >= $(first + i) ... ELSE false END" (backend.h).
std::string throttled_sql(const std::vector<ThrottleThreshold>& thresholds, int first) {
    if (thresholds.empty())
        return "false";
    std::string sql = "CASE failures";
    for (std::size_t i = 0; i < thresholds.size(); ++i) {
        sql += " WHEN " + std::to_string(thresholds[i].failures) + " THEN last_failure_at >= $" +
               std::to_string(first + static_cast<int>(i));
    }
    return sql + " ELSE false END";
}

// The attempt still holds its place in the count (no success or resync since it was counted):
// $7 and $8, the last step and counter it was counted with (add_attempt).
constexpr const char* attempt_held_sql = "(last_step IS NOT DISTINCT FROM $7 AND counter = $8)";
// A success settles its attempt (sqlite_backend.cpp says why).
constexpr const char* settle_success_sql = "failures = 0, locked = false, locked_since = NULL";

// $6 the limit the attempt was counted under, $7 and $8 attempt_held_sql's; all three added
// (as none) without an attempt, so the numbering stays.
void add_attempt(SqlParams& params, const Attempt* attempt) {
    params.add(std::int64_t{attempt != nullptr ? attempt->max_failures : 0});
    params.add(attempt != nullptr ? attempt->last_step : std::nullopt);
    params.add(std::int64_t{attempt != nullptr ? attempt->counter : 0});
}

// Ends the read-only transaction of a walk (and its cursor).
struct ReadSnapshot {
    explicit ReadSnapshot(pg::Connection& c) : db(c) {}
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    ~ReadSnapshot() { (void)db.exec_script("ROLLBACK"); }
    pg::Connection& db;
};

// A text[] literal of `values` ({"a","b"}), each element quoted and escaped; it travels as
// a parameter, never in SQL text.
std::string text_array(std::span<const std::string> values) {
    std::string out = "{";
    for (const auto& value : values) {
        if (out.size() > 1)
            out += ',';
        out += '"';
        for (const char c : value) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

class PostgresBackend final : public RegistryBackend {
  public:
    explicit PostgresBackend(pg::Connection c) : db(std::move(c)) {}

    pg::Connection db;

    const std::string& name() const override { return db.name(); }

    Result<void> finish_open(crypto::SeedBox*) override { return {}; }

    Result<std::optional<std::vector<std::uint8_t>>> key_check() override {
        HWTOTP_ASSIGN_OR_RETURN(auto rows,
                                db.exec("SELECT value FROM meta WHERE name = 'key_check'"));
        if (rows.size() == 0)
            return std::optional<std::vector<std::uint8_t>>{};
        return std::optional<std::vector<std::uint8_t>>{rows.bytes(0, 0)};
    }

    Result<std::vector<std::uint8_t>> store_key_check(
        std::span<const std::uint8_t> value) override {
        HWTOTP_TRY(
            db.exec("INSERT INTO meta (name, value) VALUES ('key_check', $1) "
                    "ON CONFLICT (name) DO NOTHING",
                    SqlParams().add_bytes(value)));
        HWTOTP_ASSIGN_OR_RETURN(auto stored, key_check());
        if (!stored)
            return fail(ErrorCode::registry, "registry " + name() + ": the key check vanished");
        return std::move(*stored);
    }

    Result<bool> holds_tokens() override {
        HWTOTP_ASSIGN_OR_RETURN(auto rows, db.exec("SELECT 1 FROM tokens LIMIT 1"));
        return rows.size() > 0;
    }

    // `columns` of the token's row; not_found when there is none.
    Result<pg::Rows> select_token(std::string_view serial,
                                  std::string_view columns = token_columns) {
        HWTOTP_ASSIGN_OR_RETURN(
            auto rows, db.exec("SELECT " + std::string(columns) + " FROM tokens WHERE serial = $1",
                               SqlParams().add(serial)));
        if (rows.size() == 0)
            return tl::unexpected(no_such_token(serial, name()));
        return rows;
    }

    Result<StoredToken> token(std::string_view serial) override {
        HWTOTP_ASSIGN_OR_RETURN(auto rows, select_token(serial));
        return read_token_row(rows, 0, name());
    }

    Result<std::vector<TokenInfo>> list() override {
        HWTOTP_ASSIGN_OR_RETURN(auto rows, db.exec(std::string("SELECT ") + token_columns +
                                                   " FROM tokens ORDER BY serial"));
        std::vector<TokenInfo> tokens;
        for (int r = 0; r < rows.size(); ++r) {
            HWTOTP_ASSIGN_OR_RETURN(auto stored, read_token_row(rows, r, name()));
            tokens.push_back(std::move(stored.info));
        }
        return tokens;
    }

    Result<std::optional<std::string>> walk_tokens(std::span<const std::string> serials,
                                                   const StoredTokenVisitor& visit) override {
        // One snapshot for the check and every row; a cursor read in batches keeps memory flat.
        HWTOTP_TRY(db.exec_script("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
        ReadSnapshot snapshot{db};
        if (serials.empty()) {
            HWTOTP_TRY(db.exec(std::string("DECLARE hwtotp_walk NO SCROLL CURSOR FOR SELECT ") +
                               token_columns + " FROM tokens ORDER BY serial"));
            HWTOTP_TRY(visit_cursor(visit));
            return std::optional<std::string>{};
        }
        const std::string named = text_array(serials);
        HWTOTP_ASSIGN_OR_RETURN(
            auto absent,
            db.exec("SELECT n.s FROM unnest($1::text[]) WITH ORDINALITY AS n(s, i) WHERE NOT "
                    "EXISTS (SELECT 1 FROM tokens WHERE serial = n.s) ORDER BY n.i LIMIT 1",
                    SqlParams().add(named)));
        if (absent.size() > 0)
            return std::optional<std::string>{absent.text(0, 0)};
        HWTOTP_TRY(db.exec(std::string("DECLARE hwtotp_walk NO SCROLL CURSOR FOR SELECT ") +
                               token_columns +
                               " FROM unnest($1::text[]) WITH ORDINALITY AS n(s, i) JOIN tokens "
                               "ON serial = n.s ORDER BY n.i",
                           SqlParams().add(named)));
        HWTOTP_TRY(visit_cursor(visit));
        return std::optional<std::string>{};
    }

    // The rows of cursor hwtotp_walk, fetched a batch at a time, visited one at a time.
    Result<void> visit_cursor(const StoredTokenVisitor& visit) {
        for (;;) {
            HWTOTP_ASSIGN_OR_RETURN(auto rows, db.exec("FETCH 256 FROM hwtotp_walk"));
            if (rows.size() == 0)
                return {};
            for (int r = 0; r < rows.size(); ++r) {
                HWTOTP_ASSIGN_OR_RETURN(auto stored, read_token_row(rows, r, name()));
                HWTOTP_TRY(visit(stored));
            }
        }
    }

    Result<std::vector<HistoryEntry>> history(std::string_view serial) override {
        HWTOTP_ASSIGN_OR_RETURN(auto rows, db.exec("SELECT at, offset_steps, observed_by FROM "
                                                   "history WHERE serial = $1 ORDER BY id",
                                                   SqlParams().add(serial)));
        std::vector<HistoryEntry> entries;
        for (int r = 0; r < rows.size(); ++r) {
            HWTOTP_ASSIGN_OR_RETURN(const ObservedBy how, parse_observed_by(rows.text(r, 2)));
            entries.push_back(HistoryEntry{rows.integer(r, 0), rows.integer(r, 1), how});
        }
        return entries;
    }

    Result<void> remove(std::string_view serial) override {
        HWTOTP_ASSIGN_OR_RETURN(
            auto rows, db.exec("WITH gone AS (DELETE FROM tokens WHERE serial = $1 RETURNING "
                               "serial), history_gone AS (DELETE FROM history WHERE serial IN "
                               "(SELECT serial FROM gone)) SELECT count(*) FROM gone",
                               SqlParams().add(serial)));
        if (rows.integer(0, 0) == 0)
            return tl::unexpected(no_such_token(serial, name()));
        return {};
    }

    // The check, the record and its history entry are one statement (sqlite_backend.cpp's
    // record_step says why the check and the write must not be two).
    Result<AcceptOutcome> record_step(const StepRecord& r) override {
        const std::string guard = r.attempt == nullptr
                                      ? "($6 = 1 OR NOT locked)"
                                      : std::string("(NOT locked OR ") + attempt_held_sql + ")";
        const std::string settle = r.attempt == nullptr ? "failures = 0" : settle_success_sql;
        SqlParams params;
        params.add(r.step).add(r.offset).add(r.serial).add(r.at).add(observed_by_name(r.how));
        params.add(std::int64_t{r.lock_refuses ? 0 : 1});  // $6: 1 when the lock is ignored
        params.add(r.attempt != nullptr ? r.attempt->last_step : std::nullopt);
        params.add(std::int64_t{r.attempt != nullptr ? r.attempt->counter : 0});
        HWTOTP_ASSIGN_OR_RETURN(
            auto rows,
            db.exec("WITH recorded AS (UPDATE tokens SET last_step = $1, offset_steps = $2, " +
                        settle + " WHERE serial = $3 AND " + guard +
                        " AND (last_step IS NULL OR last_step < $1) RETURNING serial) "
                        "INSERT INTO history (serial, at, offset_steps, observed_by) "
                        "SELECT serial, $4, $2, $5 FROM recorded",
                    params));
        if (rows.affected() == 1)
            return AcceptOutcome::recorded;
        if (r.attempt != nullptr)
            return explain_refused(r.serial, "last_step", static_cast<std::uint64_t>(r.step));
        HWTOTP_ASSIGN_OR_RETURN(auto why, select_token(r.serial, "locked"));
        return why.boolean(0, 0) && r.lock_refuses ? AcceptOutcome::locked : AcceptOutcome::replay;
    }

    Result<AcceptOutcome> explain_refused(std::string_view serial, std::string_view column,
                                          std::uint64_t matched) {
        HWTOTP_ASSIGN_OR_RETURN(auto rows, select_token(serial, "locked, " + std::string(column)));
        return explain_refused_accept(rows.boolean(0, 0), rows.optional_integer(0, 1),
                                      column == "counter", matched);
    }

    Result<AcceptOutcome> record_counter(std::string_view serial, std::int64_t counter,
                                         const Attempt* attempt) override {
        const std::string sql =
            attempt == nullptr ? "UPDATE tokens SET counter = $1 + 1, failures = 0 "
                                 "WHERE serial = $2 AND NOT locked AND counter <= $1"
                               : std::string("UPDATE tokens SET counter = $1 + 1, ") +
                                     settle_success_sql + " WHERE serial = $2 AND (NOT locked OR " +
                                     attempt_held_sql + ") AND counter <= $1";
        SqlParams params;
        params.add(counter)
            .add(serial)
            .add(std::int64_t{0})
            .add(std::int64_t{0})
            .add(std::int64_t{0});
        add_attempt(params, attempt);
        HWTOTP_ASSIGN_OR_RETURN(auto rows, db.exec(sql, params));
        if (rows.affected() == 1)
            return AcceptOutcome::recorded;
        if (attempt == nullptr) {
            HWTOTP_ASSIGN_OR_RETURN(auto why, select_token(serial, "locked"));
            return why.boolean(0, 0) ? AcceptOutcome::locked : AcceptOutcome::replay;
        }
        return explain_refused(serial, "counter", static_cast<std::uint64_t>(counter));
    }

    // An UPDATE ... RETURNING failures, locked of one token, as a FailureOutcome.
    Result<FailureOutcome> failure_outcome(const std::string& sql, const SqlParams& params,
                                           std::string_view serial) {
        HWTOTP_ASSIGN_OR_RETURN(auto rows, db.exec(sql, params));
        if (rows.size() == 0)
            return tl::unexpected(no_such_token(serial, name()));
        return FailureOutcome{static_cast<int>(rows.integer(0, 0)), rows.boolean(0, 1)};
    }

    Result<FailureOutcome> count_failure(std::string_view serial, int max_failures,
                                         std::int64_t at) override {
        return failure_outcome(
            "UPDATE tokens SET failures = failures + 1, last_failure_at = $2, "
            "locked_since = CASE WHEN NOT locked AND failures + 1 >= $1 THEN $2 "
            "ELSE locked_since END, locked = (locked OR failures + 1 >= $1) "
            "WHERE serial = $3 RETURNING failures, locked",
            SqlParams().add(std::int64_t{max_failures}).add(at).add(serial), serial);
    }

    Result<AttemptReservation> reserve_attempt(std::string_view serial, std::int64_t now,
                                               const AttemptRules& rules) override {
        constexpr int first_threshold = 3;  // $3, $4, ...: one threshold per count that waits
        const auto thresholds = throttle_thresholds(rules, now);
        SqlParams params;
        params.add(serial).add(std::int64_t{rules.max_failures});
        for (const ThrottleThreshold& t : thresholds)
            params.add(t.threshold);
        HWTOTP_ASSIGN_OR_RETURN(auto rows,
                                db.exec("UPDATE tokens SET failures = failures + 1 "
                                        "WHERE serial = $1 AND NOT locked AND failures < $2 "
                                        "AND NOT (last_failure_at IS NOT NULL AND " +
                                            throttled_sql(thresholds, first_threshold) +
                                            ") RETURNING failures, last_step, counter",
                                        params));
        if (rows.size() == 1) {
            Attempt attempt;
            attempt.position = static_cast<int>(rows.integer(0, 0));
            attempt.max_failures = rules.max_failures;
            attempt.last_step = rows.optional_integer(0, 1);
            attempt.counter = rows.integer(0, 2);
            AttemptReservation reservation;
            reservation.failures = attempt.position;
            reservation.attempt = attempt;
            return reservation;
        }
        // Read after the refusal, in a new snapshot: at least as new as the row the UPDATE
        // refused (read committed), so a lock or a full count it saw is seen here too.
        HWTOTP_ASSIGN_OR_RETURN(auto state,
                                select_token(serial, "locked, failures, last_failure_at"));
        return explain_refused_attempt(state.boolean(0, 0), static_cast<int>(state.integer(0, 1)),
                                       state.optional_integer(0, 2).value_or(0), now, rules);
    }

    Result<FailureOutcome> settle_failure(std::string_view serial, const Attempt& attempt,
                                          std::int64_t at) override {
        // The attempt was counted when it was reserved (sqlite_backend.cpp says more).
        return failure_outcome(
            "UPDATE tokens SET last_failure_at = $2, "
            "locked_since = CASE WHEN NOT locked AND failures >= $1 THEN $2 ELSE locked_since "
            "END, locked = (locked OR failures >= $1) "
            "WHERE serial = $3 RETURNING failures, locked",
            SqlParams().add(std::int64_t{attempt.max_failures}).add(at).add(serial), serial);
    }

    Result<void> release_attempt(std::string_view serial, const Attempt& attempt) override {
        // Only while the attempt holds its place (sqlite_backend.cpp says why).
        SqlParams params;
        params.add(serial)
            .add(std::int64_t{0})
            .add(std::int64_t{0})
            .add(std::int64_t{0})
            .add(std::int64_t{0});
        add_attempt(params, &attempt);
        HWTOTP_TRY(db.exec(std::string("UPDATE tokens SET failures = failures - 1, "
                                       "locked = CASE WHEN failures - 1 < $6 THEN false ELSE "
                                       "locked END, locked_since = CASE WHEN failures - 1 < $6 "
                                       "THEN NULL ELSE locked_since END "
                                       "WHERE serial = $1 AND failures > 0 AND ") +
                               attempt_held_sql,
                           params));
        return {};
    }

    // A one-token UPDATE; not_found when no row changed.
    Result<void> update_token(std::string_view serial, const std::string& sql,
                              const SqlParams& params) {
        HWTOTP_ASSIGN_OR_RETURN(auto rows, db.exec(sql, params));
        if (rows.affected() == 0)
            return tl::unexpected(no_such_token(serial, name()));
        return {};
    }

    Result<void> unlock(std::string_view serial) override {
        return update_token(serial,
                            "UPDATE tokens SET locked = false, locked_since = NULL, failures = 0, "
                            "last_failure_at = NULL WHERE serial = $1",
                            SqlParams().add(serial));
    }

    Result<void> assign_owner(std::string_view serial, std::string_view owner) override {
        HWTOTP_ASSIGN_OR_RETURN(auto other,
                                db.exec("SELECT serial FROM tokens WHERE owner = $1 AND "
                                        "serial <> $2",
                                        SqlParams().add(owner).add(serial)));
        if (other.size() > 0)
            return tl::unexpected(owner_taken(owner, other.text(0, 0)));
        auto assigned = update_token(serial, "UPDATE tokens SET owner = $2 WHERE serial = $1",
                                     SqlParams().add(serial).add(owner));
        // Another host may assign the owner between the two statements: the index refuses.
        if (!assigned && db.last_sqlstate() == pg::unique_violation)
            return tl::unexpected(owner_taken(owner, "another token"));
        return assigned;
    }

    static Error owner_taken(std::string_view owner, const std::string& other) {
        return Error{ErrorCode::invalid_input, std::string(owner) + " already owns token " + other +
                                                   " (one token per owner: unassign it first)"};
    }

    Result<void> unassign_owner(std::string_view serial) override {
        return update_token(serial, "UPDATE tokens SET owner = NULL WHERE serial = $1",
                            SqlParams().add(serial));
    }

    Result<std::optional<std::string>> token_of_owner(std::string_view owner) override {
        HWTOTP_ASSIGN_OR_RETURN(auto rows, db.exec("SELECT serial FROM tokens WHERE owner = $1",
                                                   SqlParams().add(owner)));
        if (rows.size() == 0)
            return std::optional<std::string>{};
        return std::optional<std::string>{rows.text(0, 0)};
    }

    Result<std::unique_ptr<ImportSession>> begin_import() override;
};

// An import: one transaction holding the import lock; one statement per token (the row and its
// history entry together).
class PostgresImport final : public ImportSession {
  public:
    PostgresImport(PostgresBackend& b, pg::Transaction t, bool e)
        : backend(b), tx(std::move(t)), empty(e) {}

    PostgresBackend& backend;
    pg::Transaction tx;
    bool empty;
    SqlParams batch;
    int batched = 0;
    std::unordered_set<std::string> owners;  // of the batched rows

    bool started_empty() const override { return empty; }

    Result<bool> contains(std::string_view serial) override {
        HWTOTP_ASSIGN_OR_RETURN(auto rows, backend.db.exec("SELECT 1 FROM tokens WHERE serial = $1",
                                                           SqlParams().add(serial)));
        return rows.size() > 0;
    }

    // $1..$16 of an inserted or replaced row (the columns sqlite_backend.cpp binds alike).
    static SqlParams description_params(const TokenDescription& d,
                                        std::span<const std::uint8_t> nonce,
                                        std::span<const std::uint8_t> sealed,
                                        std::int64_t imported_at) {
        SqlParams params;
        params.add(d.serial).add(d.label).add(d.issuer).add(d.manufacturer);
        params.add(otp_type_name(d.type)).add(hash_name(d.params.hash()));
        params.add(std::int64_t{d.params.digits()}).add(d.params.period()).add(d.params.t0());
        params.add(static_cast<std::int64_t>(d.counter)).add_bytes(nonce).add_bytes(sealed);
        params.add(d.source).add(imported_at).add(d.offset_steps);
        if (d.owner.empty())
            params.add_null_text();
        else
            params.add(std::string_view(d.owner));
        return params;
    }

    // Runs a write; a unique violation with an owner is the owner's index.
    Result<ImportWrite> run_write(const std::string& sql, const SqlParams& params,
                                  const TokenDescription& d) {
        auto ran = backend.db.exec(sql, params);
        if (!ran && !d.owner.empty() && backend.db.last_sqlstate() == pg::unique_violation)
            return ImportWrite::owner_taken;
        HWTOTP_TRY(ran);
        return ImportWrite::written;
    }

    Result<ImportWrite> write(const SealedToken& token, bool present, std::int64_t now) override {
        const TokenDescription& d = token.description();
        SqlParams params = description_params(d, token.nonce(), token.sealed_seed(), now);
        if (empty && !present)
            return buffer(d, params);
        HWTOTP_TRY(flush());  // a replaced row may still be in the buffer
        const std::string row =
            present ? "UPDATE tokens SET label = $2, issuer = $3, manufacturer = $4, type = $5, "
                      "algorithm = $6, digits = $7, period = $8, t0 = $9, counter = $10, "
                      "seed_nonce = $11, seed_sealed = $12, source = $13, imported_at = $14, "
                      "offset_steps = $15, owner = $16, last_step = NULL, failures = 0, "
                      "locked = false, locked_since = NULL, last_failure_at = NULL "
                      "WHERE serial = $1 RETURNING serial, imported_at, offset_steps"
                    : std::string(insert_sql) + values_sql(1) +
                          " RETURNING serial, imported_at, offset_steps";
        return run_write(with_history(row), params, d);
    }

    // Rows of a registry that was empty (and that the import lock keeps so but for this
    // import) go in batches: one statement per batch_rows tokens instead of one per token,
    // which over a network is most of an import's time. An owner can then only collide with
    // an owner earlier in this import, which `owners` tells at once.
    static constexpr int batch_rows = 500;  // 16 parameters a row, far below libpq's 65535

    Result<ImportWrite> buffer(const TokenDescription& d, const SqlParams& params) {
        if (!d.owner.empty() && !owners.insert(d.owner).second)
            return ImportWrite::owner_taken;
        batch.append(params);
        if (++batched == batch_rows)
            HWTOTP_TRY(flush());
        return ImportWrite::written;
    }

    Result<void> flush() {
        if (batched == 0)
            return {};
        std::string sql = insert_sql;
        for (int r = 0; r < batched; ++r)
            sql += (r == 0 ? "" : ", ") + values_sql(1 + r * 16);
        HWTOTP_TRY(backend.db.exec(with_history(sql + " RETURNING serial, imported_at, "
                                                      "offset_steps"),
                                   batch));
        batch = SqlParams();
        batched = 0;
        return {};
    }

    static constexpr const char* insert_sql =
        "INSERT INTO tokens (serial, label, issuer, manufacturer, type, algorithm, digits, "
        "period, t0, counter, seed_nonce, seed_sealed, source, imported_at, offset_steps, "
        "owner) VALUES ";

    // "($first, ..., $(first + 15))"
    static std::string values_sql(int first) {
        std::string sql = "(";
        for (int i = 0; i < 16; ++i)
            sql += (i == 0 ? "$" : ", $") + std::to_string(first + i);
        return sql + ")";
    }

    // The written rows (RETURNING serial, imported_at, offset_steps) and their "import" history
    // entries, in one statement.
    static std::string with_history(const std::string& write) {
        return "WITH written AS (" + write +
               ") INSERT INTO history (serial, at, offset_steps, observed_by) "
               "SELECT serial, imported_at, offset_steps, 'import' FROM written";
    }

    Result<ImportWrite> write_copy(const StoredToken& token,
                                   const std::vector<HistoryEntry>& history, bool present) override;

    Result<void> commit() override {
        HWTOTP_TRY(flush());
        return tx.commit();
    }
};

Result<ImportWrite> PostgresImport::write_copy(const StoredToken& token,
                                               const std::vector<HistoryEntry>& history,
                                               bool present) {
    HWTOTP_TRY(flush());
    const TokenDescription& d = token.info.description;
    const TokenState& s = token.info.state;
    if (present) {
        HWTOTP_TRY(
            backend.db.exec("WITH gone AS (DELETE FROM tokens WHERE serial = $1) "
                            "DELETE FROM history WHERE serial = $1",
                            SqlParams().add(d.serial)));
    }
    SqlParams params = description_params(d, token.nonce, token.sealed, token.info.imported_at);
    params.add(s.last_step ? std::optional<std::int64_t>(static_cast<std::int64_t>(*s.last_step))
                           : std::nullopt);
    params.add(std::int64_t{s.failures}).add(std::int64_t{s.locked ? 1 : 0});
    params.add(s.locked_since).add(s.last_failure_at);
    HWTOTP_ASSIGN_OR_RETURN(
        const ImportWrite written,
        run_write("INSERT INTO tokens (serial, label, issuer, manufacturer, type, algorithm, "
                  "digits, period, t0, counter, seed_nonce, seed_sealed, source, imported_at, "
                  "offset_steps, owner, last_step, failures, locked, locked_since, "
                  "last_failure_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                  "$13, $14, $15, $16, $17, $18, $19 <> 0, $20, $21)",
                  params, d));
    if (written != ImportWrite::written)
        return written;
    for (const HistoryEntry& entry : history) {
        HWTOTP_TRY(
            backend.db.exec("INSERT INTO history (serial, at, offset_steps, observed_by) "
                            "VALUES ($1, $2, $3, $4)",
                            SqlParams()
                                .add(d.serial)
                                .add(entry.at)
                                .add(entry.offset_steps)
                                .add(observed_by_name(entry.how))));
    }
    return ImportWrite::written;
}

Result<std::unique_ptr<ImportSession>> PostgresBackend::begin_import() {
    HWTOTP_ASSIGN_OR_RETURN(auto tx, pg::Transaction::begin(db));
    HWTOTP_TRY(db.exec("SELECT pg_advisory_xact_lock($1)", SqlParams().add(import_lock)));
    HWTOTP_ASSIGN_OR_RETURN(const bool has_tokens, holds_tokens());
    return std::unique_ptr<ImportSession>(
        std::make_unique<PostgresImport>(*this, std::move(tx), !has_tokens));
}

}  // namespace

Result<std::unique_ptr<RegistryBackend>> open_postgres_backend(const Registry::Options& options) {
    HWTOTP_ASSIGN_OR_RETURN(auto connection,
                            pg::Connection::open(options.paths.db, options.paths.db));
    HWTOTP_TRY(migrate_postgres(connection, options.access));
    // A reader cannot write, whatever a bug above might ask.
    if (options.access == Registry::Access::read)
        HWTOTP_TRY(connection.exec_script("SET default_transaction_read_only = on"));
    return std::unique_ptr<RegistryBackend>(
        std::make_unique<PostgresBackend>(std::move(connection)));
}

}  // namespace hwtotp::store
