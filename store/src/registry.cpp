// The token registry over SQLite: open/migrate, sealed seeds, atomic state changes.

#include "hwtotp/store/registry.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <unordered_set>
#include <utility>

#include "crypto.h"
#include "key_check.h"
#include "registry_files.h"
#include "saturating.h"
#include "schema.h"
#include "seed_aad.h"
#include "sqlite.h"

namespace hwtotp::store {
namespace {

constexpr const char* token_columns =
    "serial, label, issuer, manufacturer, type, algorithm, digits, period, t0, counter, source, "
    "imported_at, last_step, offset_steps, failures, locked, locked_since, seed_nonce, "
    "seed_sealed, last_failure_at, owner";

Result<TokenInfo> read_token_row(const sql::Statement& row, const std::string& db_path) {
    TokenInfo info;
    TokenDescription& d = info.description;
    d.serial = row.column_text(0);
    d.label = row.column_text(1);
    d.issuer = row.column_text(2);
    d.manufacturer = row.column_text(3);
    d.type = row.column_text(4) == "hotp" ? OtpType::hotp : OtpType::totp;
    auto hash = parse_hash(row.column_text(5));
    const auto digits = row.column_int(6);
    auto params =
        hash ? Params::create(*hash, static_cast<int>(digits), row.column_int(7), row.column_int(8))
             : tl::unexpected(hash.error());
    if (!params) {
        return fail(ErrorCode::registry, "registry " + db_path + ": token " + d.serial +
                                             " has invalid parameters: " + params.error().message);
    }
    d.params = *params;
    d.counter = static_cast<std::uint64_t>(row.column_int(9));
    d.source = row.column_text(10);
    info.imported_at = row.column_int(11);
    if (!row.column_is_null(12))
        info.state.last_step = static_cast<std::uint64_t>(row.column_int(12));
    info.state.offset_steps = row.column_int(13);
    d.offset_steps = info.state.offset_steps;
    info.state.failures = static_cast<int>(row.column_int(14));
    info.state.locked = row.column_int(15) != 0;
    if (!row.column_is_null(16))
        info.state.locked_since = row.column_int(16);
    if (!row.column_is_null(19))
        info.state.last_failure_at = row.column_int(19);
    if (!row.column_is_null(20))
        d.owner = row.column_text(20);
    return info;
}

Error no_such_token(std::string_view serial, const std::string& db_path) {
    return Error{ErrorCode::not_found, "no token with serial " + std::string(serial) +
                                           " in the registry " + db_path +
                                           " (see: hwtotp tokens list)"};
}

}  // namespace

// ---------------------------------------------------------------------------------------------

class Registry::Impl {
  public:
    Impl(RegistryPaths p, sql::Db d, std::optional<crypto::SeedBox> b)
        : paths(std::move(p)), db(std::move(d)), box(std::move(b)) {}

    RegistryPaths paths;
    sql::Db db;
    // None when the registry has no key check and no token: nothing is sealed (key_check.h).
    std::optional<crypto::SeedBox> box;

    Result<crypto::SeedBox*> seed_box() {
        if (!box)
            return fail(ErrorCode::registry, "registry " + paths.db + " has no master key yet");
        return &*box;
    }

    Result<void> append_history(std::string_view serial, std::int64_t at, std::int64_t offset,
                                ObservedBy how) {
        auto stmt = db.prepare(
            "INSERT INTO history (serial, at, offset_steps, observed_by) VALUES (?, ?, ?, ?)");
        if (!stmt)
            return tl::unexpected(stmt.error());
        stmt->bind(1, serial).bind(2, at).bind(3, offset).bind(4, observed_by_name(how));
        return stmt->run();
    }

    // `columns` of the token's row, stepped onto it; not_found when there is none.
    Result<sql::Statement> select_token(std::string_view serial,
                                        std::string_view columns = token_columns) {
        auto stmt = db.prepare("SELECT " + std::string(columns) + " FROM tokens WHERE serial = ?");
        if (!stmt)
            return tl::unexpected(stmt.error());
        stmt->bind(1, serial);
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return tl::unexpected(no_such_token(serial, paths.db));
        return stmt;
    }

    enum class Lock { refuses, ignored };

    // Sets last_step, the offset and failures = 0, and appends a history entry, in one
    // transaction -- only when `step` is after the last accepted step (and the token is not
    // locked, if the lock refuses). The check and the write are one UPDATE: of two processes
    // recording the same step, the second finds last_step already equal to it and changes
    // nothing (a read followed by a later write would let both through). With an `attempt`,
    // the failures are settled as settle_success_sql says instead of reset.
    Result<AcceptOutcome> record_step(std::string_view serial, std::uint64_t step,
                                      std::int64_t offset, std::int64_t at, ObservedBy how,
                                      Lock lock, const Attempt* attempt = nullptr) {
        if (step > static_cast<std::uint64_t>(INT64_MAX))
            return fail(ErrorCode::invalid_input, "step out of range");
        HWTOTP_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin_immediate(db));
        const std::string sql =
            attempt == nullptr
                ? "UPDATE tokens SET last_step = ?1, offset_steps = ?2, failures = 0 "
                  "WHERE serial = ?3 AND (?4 = 0 OR locked = 0) "
                  "AND (last_step IS NULL OR last_step < ?1)"
                : std::string("UPDATE tokens SET last_step = ?1, offset_steps = ?2, ") +
                      settle_success_sql + " WHERE serial = ?3 AND (locked = 0 OR " +
                      attempt_held_sql + ") AND (last_step IS NULL OR last_step < ?1)";
        HWTOTP_ASSIGN_OR_RETURN(auto update, db.prepare(sql));
        update.bind(1, static_cast<std::int64_t>(step)).bind(2, offset).bind(3, serial);
        if (attempt == nullptr)
            update.bind(4, std::int64_t{lock == Lock::refuses ? 1 : 0});
        else
            bind_attempt(update, *attempt);
        HWTOTP_TRY(update.run());
        if (db.changes() != 1) {
            if (attempt != nullptr)
                return explain_refused_accept(serial, "last_step", step);
            auto why = explain_no_change(serial);
            if (!why || lock == Lock::refuses)
                return why;
            return AcceptOutcome::replay;
        }
        HWTOTP_TRY(append_history(serial, at, offset, how));
        HWTOTP_TRY(tx.commit());
        return AcceptOutcome::recorded;
    }

    // Why a conditional update changed nothing: the token is gone, locked, or it was a replay.
    Result<AcceptOutcome> explain_no_change(std::string_view serial) {
        auto stmt = select_token(serial, "locked");
        if (!stmt)
            return tl::unexpected(stmt.error());
        return stmt->column_int(0) != 0 ? AcceptOutcome::locked : AcceptOutcome::replay;
    }

    // Why an accept that settles an attempt changed nothing: a replay when `column` (last_step
    // or counter) shows the match used, else the token is locked. A used code is a replay
    // whatever the lock, so that its attempt is taken back rather than counted.
    Result<AcceptOutcome> explain_refused_accept(std::string_view serial, std::string_view column,
                                                 std::uint64_t matched) {
        HWTOTP_ASSIGN_OR_RETURN(auto stmt, select_token(serial, "locked, " + std::string(column)));
        const bool hotp = column == "counter";
        const bool used = !stmt.column_is_null(1) &&
                          (hotp ? static_cast<std::uint64_t>(stmt.column_int(1)) > matched
                                : static_cast<std::uint64_t>(stmt.column_int(1)) >= matched);
        return used || stmt.column_int(0) == 0 ? AcceptOutcome::replay : AcceptOutcome::locked;
    }

    // The attempt still holds its place in the count: no success or resync since it was
    // counted (both change last_step or counter). Parameters ?7 and ?8, bound by bind_attempt.
    static constexpr const char* attempt_held_sql = "(last_step IS ?7 AND counter = ?8)";

    // A success settles its attempt: the count is reset, attempts still being checked
    // included (as a success always did), and a lock is lifted while the attempt holds its
    // place. A lock that came while it was being checked was brought about by counting it (at
    // most max_failures attempts are ever counted, this one among them); a lock that came after
    // a success or resync since then was not, and refuses it.
    static constexpr const char* settle_success_sql =
        "failures = 0, locked = 0, locked_since = NULL";

    // ?6: the limit the attempt was counted under; ?7, ?8: attempt_held_sql's.
    static void bind_attempt(sql::Statement& stmt, const Attempt& attempt) {
        stmt.bind(6, static_cast<std::int64_t>(attempt.max_failures));
        if (attempt.last_step)
            stmt.bind(7, *attempt.last_step);
        else
            stmt.bind_null(7);
        stmt.bind(8, attempt.counter);
    }
};

Registry::Registry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;
Registry::~Registry() = default;

const RegistryPaths& Registry::paths() const {
    return impl_->paths;
}

namespace {

// The registry opened as `options` ask, or null when a reader found an older schema: upgrading
// writes, so the caller opens it again for writing (after this connection is closed).
Result<std::unique_ptr<Registry::Impl>> open_current(const Registry::Options& options) {
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
        return std::unique_ptr<Registry::Impl>{};
    // A new registry gets its tables before its key check (stored in one of them).
    if (version == 0)
        HWTOTP_TRY(migrate(db, nullptr));
    HWTOTP_ASSIGN_OR_RETURN(auto box, unlock_seeds(db, paths, options.access));
    HWTOTP_TRY(migrate(db, box ? &*box : nullptr));
    HWTOTP_TRY(check_database_companions(db));
    if (!options.checkpoint_on_close)
        HWTOTP_TRY(leave_checkpoints_to_sqlite(db));
    return std::make_unique<Registry::Impl>(paths, std::move(db), std::move(box));
}

}  // namespace

Result<Registry> Registry::open(const Options& options) {
    if (options.paths.db.empty() || options.paths.key.empty())
        return fail(ErrorCode::registry, "no registry path given");
    HWTOTP_ASSIGN_OR_RETURN(auto impl, open_current(options));
    if (!impl) {
        Options upgrade = options;  // the one write a reader may cause
        upgrade.access = Access::write;
        HWTOTP_ASSIGN_OR_RETURN(impl, open_current(upgrade));
    }
    return Registry(std::move(impl));
}

// ---------------------------------------------------------------------------------------------
// Import

class Import::Impl {
  public:
    Impl(Registry::Impl& r, sql::Transaction t, bool rep, std::int64_t n)
        : registry(r), tx(std::move(t)), replace(rep), now(n) {}

    Registry::Impl& registry;
    sql::Transaction tx;
    bool replace;
    std::int64_t now;
    std::optional<sql::Statement> exists_stmt;
    std::optional<sql::Statement> insert_stmt;
    std::optional<sql::Statement> update_stmt;
    std::optional<sql::Statement> history_stmt;
    std::optional<Import::Sealer> own_sealer;  // for add(NewToken), made on first use
    std::unordered_set<std::string> seen;
    // The registry held no token when the import began (and the IMMEDIATE transaction keeps
    // other writers out): a serial is then present exactly when this import added it, which
    // `seen` knows, and the per-key lookup in the table can be skipped.
    bool started_empty = false;
    std::size_t added = 0;
    std::size_t replaced = 0;
    bool committed = false;
};

Import::Import(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Import::Import(Import&&) noexcept = default;
Import& Import::operator=(Import&&) noexcept = default;
Import::~Import() = default;

std::size_t Import::added() const {
    return impl_->added;
}
std::size_t Import::replaced() const {
    return impl_->replaced;
}

class Import::Sealer::Impl {
  public:
    explicit Impl(crypto::SeedBox b) : box(std::move(b)) {}
    crypto::SeedBox box;
};

Import::Sealer::Sealer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Import::Sealer::Sealer(Sealer&&) noexcept = default;
Import::Sealer& Import::Sealer::operator=(Sealer&&) noexcept = default;
Import::Sealer::~Sealer() = default;

Result<SealedToken> Import::Sealer::seal(NewToken token, std::string_view what) {
    TokenDescription& d = token.description;
    // The one check every importer passes through (totp/limits.h). A bad serial is not
    // echoed: it is what failed the check.
    if (auto ok = check_new_token(token); !ok) {
        const bool serial_ok = static_cast<bool>(check_serial(d.serial));
        return tl::unexpected(with_context(
            std::string(what) + (serial_ok ? " (serial " + d.serial + "): " : ": "), ok.error()));
    }
    auto sealed = impl_->box.seal(token.seed.expose(), seed_aad(d.serial, d.type, d.params));
    if (!sealed)
        return tl::unexpected(sealed.error());
    return SealedToken(std::move(d), std::move(sealed->nonce), std::move(sealed->ciphertext));
}

Result<Import::Sealer> Import::sealer() const {
    HWTOTP_ASSIGN_OR_RETURN(crypto::SeedBox * registry_box, impl_->registry.seed_box());
    HWTOTP_ASSIGN_OR_RETURN(auto box, registry_box->another());
    return Sealer(std::make_unique<Sealer::Impl>(std::move(box)));
}

Result<Import::Sealer> Registry::sealer() const {
    HWTOTP_ASSIGN_OR_RETURN(crypto::SeedBox * registry_box, impl_->seed_box());
    HWTOTP_ASSIGN_OR_RETURN(auto another_box, registry_box->another());
    return Import::Sealer(std::make_unique<Import::Sealer::Impl>(std::move(another_box)));
}

Result<Import> Registry::begin_import(bool replace, std::int64_t now) {
    auto tx = sql::Transaction::begin_immediate(impl_->db);
    if (!tx)
        return tl::unexpected(tx.error());
    auto impl = std::make_unique<Import::Impl>(*impl_, std::move(*tx), replace, now);
    auto& db = impl_->db;
    auto exists = db.prepare("SELECT 1 FROM tokens WHERE serial = ?");
    auto any = db.prepare("SELECT 1 FROM tokens LIMIT 1");
    auto insert = db.prepare(
        "INSERT INTO tokens (serial, label, issuer, manufacturer, type, algorithm, digits, "
        "period, t0, counter, seed_nonce, seed_sealed, source, imported_at, offset_steps, owner) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
    auto update = db.prepare(
        "UPDATE tokens SET label = ?2, issuer = ?3, manufacturer = ?4, type = ?5, algorithm = ?6, "
        "digits = ?7, period = ?8, t0 = ?9, counter = ?10, seed_nonce = ?11, seed_sealed = ?12, "
        "source = ?13, imported_at = ?14, offset_steps = ?15, owner = ?16, last_step = NULL, "
        "failures = 0, "
        "locked = 0, locked_since = NULL, last_failure_at = NULL WHERE serial = ?1");
    auto history = db.prepare(
        "INSERT INTO history (serial, at, offset_steps, observed_by) VALUES (?, ?, ?, 'import')");
    for (auto* stmt : {&exists, &any, &insert, &update, &history}) {
        if (!*stmt)
            return tl::unexpected(stmt->error());
    }
    auto has_tokens = any->step();
    if (!has_tokens)
        return tl::unexpected(has_tokens.error());
    impl->started_empty = !*has_tokens;
    impl->exists_stmt.emplace(std::move(*exists));
    impl->insert_stmt.emplace(std::move(*insert));
    impl->update_stmt.emplace(std::move(*update));
    impl->history_stmt.emplace(std::move(*history));
    return Import(std::move(impl));
}

Result<void> Import::add(NewToken token, std::string_view what) {
    if (!impl_->own_sealer) {
        auto made = sealer();
        if (!made)
            return tl::unexpected(made.error());
        impl_->own_sealer.emplace(std::move(*made));
    }
    auto sealed = impl_->own_sealer->seal(std::move(token), what);
    if (!sealed)
        return tl::unexpected(sealed.error());
    return add(std::move(*sealed), what);
}

Result<void> Import::add(SealedToken token, std::string_view what) {
    Impl& im = *impl_;
    const TokenDescription& d = token.description();
    // Built only on failure: a successful add costs no message allocation.
    const auto prefix = [&] { return std::string(what) + " (serial " + d.serial + "): "; };
    const bool again = !im.seen.insert(d.serial).second;
    if (again && !im.replace) {
        return fail(ErrorCode::invalid_input,
                    prefix() +
                        "the serial appears more than once in the file (use --replace to "
                        "let the later record win)");
    }
    bool present = again;
    if (!im.started_empty) {
        im.exists_stmt->bind_borrowed(1, d.serial);
        auto row = im.exists_stmt->step();
        im.exists_stmt->reset();
        if (!row)
            return tl::unexpected(row.error());
        present = *row;
    }
    if (present && !im.replace && !again) {
        return fail(ErrorCode::invalid_input,
                    prefix() +
                        "a token with this serial is already in the registry (use "
                        "--replace to overwrite it)");
    }

    // Borrowed bindings: `token` outlives the statement's run and reset below.
    sql::Statement& stmt = present ? *im.update_stmt : *im.insert_stmt;
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
        .bind_blob_borrowed(11, token.nonce())
        .bind_blob_borrowed(12, token.sealed_seed())
        .bind_borrowed(13, d.source)
        .bind(14, im.now)
        .bind(15, d.offset_steps);
    if (d.owner.empty())
        stmt.bind_null(16);
    else
        stmt.bind_borrowed(16, d.owner);
    auto ok = stmt.run();
    stmt.reset();
    if (!ok && !d.owner.empty() && ok.error().message.find("UNIQUE") != std::string::npos) {
        return fail(ErrorCode::invalid_input,
                    prefix() + "its owner " + d.owner +
                        " already has a token in the registry or earlier in the file (one "
                        "token per owner)");
    }
    if (!ok)
        return fail(ok.error().code, prefix() + ok.error().message);
    im.history_stmt->bind_borrowed(1, d.serial).bind(2, im.now).bind(3, d.offset_steps);
    ok = im.history_stmt->run();
    im.history_stmt->reset();
    if (!ok)
        return fail(ok.error().code, prefix() + ok.error().message);
    if (present)
        ++im.replaced;
    else
        ++im.added;
    return {};
}

Result<void> Import::commit() {
    // Finalize the statements first: COMMIT does not need them, and they pin the schema.
    impl_->exists_stmt.reset();
    impl_->insert_stmt.reset();
    impl_->update_stmt.reset();
    impl_->history_stmt.reset();
    return impl_->tx.commit();
}

// ---------------------------------------------------------------------------------------------
// Reads

Result<TokenInfo> Registry::info(std::string_view serial) {
    auto stmt = impl_->select_token(serial);
    if (!stmt)
        return tl::unexpected(stmt.error());
    return read_token_row(*stmt, impl_->paths.db);
}

Result<Token> Registry::get(std::string_view serial) {
    HWTOTP_ASSIGN_OR_RETURN(auto stmt, impl_->select_token(serial));
    HWTOTP_ASSIGN_OR_RETURN(auto info, read_token_row(stmt, impl_->paths.db));
    HWTOTP_ASSIGN_OR_RETURN(crypto::SeedBox * box, impl_->seed_box());
    const TokenDescription& d = info.description;
    // The parameters as stored are part of the associated data: a row whose type, hash,
    // digits, period or T0 was changed does not open (seed_aad.h).
    auto seed =
        box->open(stmt.column_blob(17), stmt.column_blob(18), seed_aad(d.serial, d.type, d.params));
    if (!seed) {
        return fail(
            ErrorCode::registry,
            "registry " + impl_->paths.db + ": the seed of token " + d.serial +
                " does not decrypt (the record was altered, its parameters changed, or it was "
                "moved from another row)");
    }
    return Token{std::move(info), std::move(*seed)};
}

Result<std::vector<TokenInfo>> Registry::list() {
    auto stmt =
        impl_->db.prepare(std::string("SELECT ") + token_columns + " FROM tokens ORDER BY serial");
    if (!stmt)
        return tl::unexpected(stmt.error());
    std::vector<TokenInfo> tokens;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        auto info = read_token_row(*stmt, impl_->paths.db);
        if (!info)
            return tl::unexpected(info.error());
        tokens.push_back(std::move(*info));
    }
    return tokens;
}

Result<std::vector<HistoryEntry>> Registry::history(std::string_view serial) {
    if (auto exists = info(serial); !exists)
        return tl::unexpected(exists.error());
    auto stmt = impl_->db.prepare(
        "SELECT at, offset_steps, observed_by FROM history WHERE serial = ? ORDER BY id");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, serial);
    std::vector<HistoryEntry> entries;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        auto how = parse_observed_by(stmt->column_text(2));
        if (!how)
            return tl::unexpected(how.error());
        entries.push_back(HistoryEntry{stmt->column_int(0), stmt->column_int(1), *how});
    }
    return entries;
}

// ---------------------------------------------------------------------------------------------
// Writes

Result<void> Registry::remove(std::string_view serial) {
    auto tx = sql::Transaction::begin_immediate(impl_->db);
    if (!tx)
        return tl::unexpected(tx.error());
    auto del = impl_->db.prepare("DELETE FROM tokens WHERE serial = ?");
    if (!del)
        return tl::unexpected(del.error());
    del->bind(1, serial);
    if (auto ok = del->run(); !ok)
        return ok;
    if (impl_->db.changes() == 0)
        return tl::unexpected(no_such_token(serial, impl_->paths.db));
    auto hist = impl_->db.prepare("DELETE FROM history WHERE serial = ?");
    if (!hist)
        return tl::unexpected(hist.error());
    hist->bind(1, serial);
    if (auto ok = hist->run(); !ok)
        return ok;
    return tx->commit();
}

Result<AcceptOutcome> Registry::record_accept(std::string_view serial, std::uint64_t step,
                                              std::int64_t new_offset, std::int64_t at,
                                              ObservedBy how) {
    return impl_->record_step(serial, step, new_offset, at, how, Impl::Lock::refuses);
}

Result<AcceptOutcome> Registry::record_hotp_accept(std::string_view serial, std::uint64_t counter) {
    if (counter >= static_cast<std::uint64_t>(INT64_MAX))
        return fail(ErrorCode::invalid_input, "counter out of range");
    auto update = impl_->db.prepare(
        "UPDATE tokens SET counter = ?1 + 1, failures = 0 "
        "WHERE serial = ?2 AND locked = 0 AND counter <= ?1");
    if (!update)
        return tl::unexpected(update.error());
    update->bind(1, static_cast<std::int64_t>(counter)).bind(2, serial);
    if (auto ok = update->run(); !ok)
        return tl::unexpected(ok.error());
    if (impl_->db.changes() != 1)
        return impl_->explain_no_change(serial);
    return AcceptOutcome::recorded;
}

Result<FailureOutcome> Registry::record_failure(std::string_view serial, int max_failures,
                                                std::int64_t at) {
    // One statement: concurrent failures are all counted.
    auto update = impl_->db.prepare(
        "UPDATE tokens SET failures = failures + 1, last_failure_at = ?2, "
        "locked_since = CASE WHEN locked = 0 AND failures + 1 >= ?1 THEN ?2 ELSE locked_since END, "
        "locked = CASE WHEN failures + 1 >= ?1 THEN 1 ELSE locked END "
        "WHERE serial = ?3 RETURNING failures, locked");
    if (!update)
        return tl::unexpected(update.error());
    update->bind(1, static_cast<std::int64_t>(max_failures)).bind(2, at).bind(3, serial);
    auto row = update->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return tl::unexpected(no_such_token(serial, impl_->paths.db));
    FailureOutcome outcome{static_cast<int>(update->column_int(0)), update->column_int(1) != 0};
    if (auto ok = update->run(); !ok)
        return tl::unexpected(ok.error());
    return outcome;
}

// ---------------------------------------------------------------------------------------------
// Attempts: counted before the code is looked at, settled by what it turned out to be.

namespace {

// "CASE failures WHEN k THEN last_failure_at >= ?(first + k) ... ELSE 0 END": true when the
// attempts counted so far must still wait after the last failure. "Now < last + wait" is
// written as "last >= now - wait + 1" with the threshold computed (saturating) by the caller:
// SQLite would turn an overflowing sum into a rounded floating-point number.
std::string throttled_sql(const AttemptRules& rules, int first) {
    std::string sql = "CASE failures";
    bool any = false;
    for (std::size_t k = 0;
         k < rules.waits.size() && k < static_cast<std::size_t>(std::max(rules.max_failures, 0));
         ++k) {
        if (rules.waits[k] <= 0)
            continue;
        sql += " WHEN " + std::to_string(k) + " THEN last_failure_at >= ?" +
               std::to_string(first + static_cast<int>(k));
        any = true;
    }
    return any ? sql + " ELSE 0 END" : "0";
}

// Seconds from `now` until `last_failure + wait` (at least 1 when throttled), saturating.
std::int64_t seconds_until(std::int64_t last_failure, std::int64_t wait, std::int64_t now) {
    return saturating_add(saturating_sub(last_failure, now), wait);
}

}  // namespace

Result<AttemptReservation> Registry::reserve_attempt(std::string_view serial, std::int64_t now,
                                                     const AttemptRules& rules) {
    // Not synced: the settling commit syncs it (registry.h, "Durability").
    HWTOTP_ASSIGN_OR_RETURN(auto unsynced, sql::UnsyncedCommits::begin(impl_->db));
    // One transaction, so that the explanation of a refusal reads the state the UPDATE saw.
    HWTOTP_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin_immediate(impl_->db));
    constexpr int first_threshold = 3;  // ?3, ?4, ...: one threshold per count that waits
    HWTOTP_ASSIGN_OR_RETURN(auto update,
                            impl_->db.prepare("UPDATE tokens SET failures = failures + 1 "
                                              "WHERE serial = ?1 AND locked = 0 AND failures < ?2 "
                                              "AND NOT (last_failure_at IS NOT NULL AND " +
                                              throttled_sql(rules, first_threshold) +
                                              ") RETURNING failures, last_step, counter"));
    update.bind(1, serial).bind(2, static_cast<std::int64_t>(rules.max_failures));
    for (std::size_t k = 0; k < rules.waits.size(); ++k) {
        if (rules.waits[k] > 0 && k < static_cast<std::size_t>(std::max(rules.max_failures, 0)))
            update.bind(first_threshold + static_cast<int>(k),
                        saturating_sub(now, rules.waits[k] - 1));
    }
    HWTOTP_ASSIGN_OR_RETURN(const bool counted, update.step());
    AttemptReservation reservation;
    if (counted) {
        Attempt attempt;
        attempt.position = static_cast<int>(update.column_int(0));
        attempt.max_failures = rules.max_failures;
        if (!update.column_is_null(1))
            attempt.last_step = update.column_int(1);
        attempt.counter = update.column_int(2);
        HWTOTP_TRY(update.run());
        reservation.failures = attempt.position;
        reservation.attempt = attempt;
    } else {
        HWTOTP_ASSIGN_OR_RETURN(auto state,
                                impl_->select_token(serial, "locked, failures, last_failure_at"));
        reservation.failures = static_cast<int>(state.column_int(1));
        if (state.column_int(0) != 0) {
            reservation.refusal = AttemptRefusal::locked;
        } else if (reservation.failures >= rules.max_failures) {
            reservation.refusal = AttemptRefusal::limit;
        } else {
            // Neither locked nor at the limit: the throttle refused it, so the wait applies.
            reservation.refusal = AttemptRefusal::throttled;
            const auto k = static_cast<std::size_t>(std::max(reservation.failures, 0));
            const std::int64_t wait = k < rules.waits.size() ? rules.waits[k] : 0;
            reservation.retry_in =
                std::max<std::int64_t>(1, seconds_until(state.column_int(2), wait, now));
        }
    }
    HWTOTP_TRY(tx.commit());
    HWTOTP_TRY(unsynced.end());
    return reservation;
}

Result<AcceptOutcome> Registry::record_accept(std::string_view serial, const Attempt& attempt,
                                              std::uint64_t step, std::int64_t new_offset,
                                              std::int64_t at, ObservedBy how) {
    return impl_->record_step(serial, step, new_offset, at, how, Impl::Lock::refuses, &attempt);
}

Result<AcceptOutcome> Registry::record_hotp_accept(std::string_view serial, const Attempt& attempt,
                                                   std::uint64_t counter) {
    if (counter >= static_cast<std::uint64_t>(INT64_MAX))
        return fail(ErrorCode::invalid_input, "counter out of range");
    HWTOTP_ASSIGN_OR_RETURN(
        auto update,
        impl_->db.prepare(std::string("UPDATE tokens SET counter = ?1 + 1, ") +
                          Impl::settle_success_sql + " WHERE serial = ?2 AND (locked = 0 OR " +
                          Impl::attempt_held_sql + ") AND counter <= ?1"));
    update.bind(1, static_cast<std::int64_t>(counter)).bind(2, serial);
    Impl::bind_attempt(update, attempt);
    HWTOTP_TRY(update.run());
    if (impl_->db.changes() != 1)
        return impl_->explain_refused_accept(serial, "counter", counter);
    return AcceptOutcome::recorded;
}

Result<FailureOutcome> Registry::record_failure(std::string_view serial, const Attempt& attempt,
                                                std::int64_t at) {
    // The attempt was counted when it was reserved. The lock counts attempts still in
    // progress too: if one of them succeeds or is a replay, settling it lifts the lock again.
    HWTOTP_ASSIGN_OR_RETURN(
        auto update,
        impl_->db.prepare(
            "UPDATE tokens SET last_failure_at = ?2, "
            "locked_since = CASE WHEN locked = 0 AND failures >= ?1 THEN ?2 ELSE locked_since END, "
            "locked = CASE WHEN failures >= ?1 THEN 1 ELSE locked END "
            "WHERE serial = ?3 RETURNING failures, locked"));
    update.bind(1, static_cast<std::int64_t>(attempt.max_failures)).bind(2, at).bind(3, serial);
    HWTOTP_ASSIGN_OR_RETURN(const bool found, update.step());
    if (!found)
        return tl::unexpected(no_such_token(serial, impl_->paths.db));
    const FailureOutcome outcome{static_cast<int>(update.column_int(0)), update.column_int(1) != 0};
    HWTOTP_TRY(update.run());
    return outcome;
}

Result<void> Registry::release_attempt(std::string_view serial, const Attempt& attempt) {
    // Only while the attempt holds its place: after a success or resync the count it was part
    // of is gone already, and taking one off again would free a place that a wrong code holds.
    HWTOTP_ASSIGN_OR_RETURN(
        auto update,
        impl_->db.prepare(std::string("UPDATE tokens SET failures = failures - 1, "
                                      "locked = CASE WHEN failures - 1 < ?6 THEN 0 ELSE locked "
                                      "END, locked_since = CASE WHEN failures - 1 < ?6 THEN NULL "
                                      "ELSE locked_since END "
                                      "WHERE serial = ?1 AND failures > 0 AND ") +
                          Impl::attempt_held_sql));
    update.bind(1, serial);
    Impl::bind_attempt(update, attempt);
    return update.run();
}

Result<AcceptOutcome> Registry::record_resync(std::string_view serial, std::uint64_t last_step,
                                              std::int64_t offset, std::int64_t at,
                                              ObservedBy how) {
    // A lock does not stop a resync from being recorded; it stays until unlock().
    return impl_->record_step(serial, last_step, offset, at, how, Impl::Lock::ignored);
}

Result<void> Registry::assign_owner(std::string_view serial, std::string_view owner) {
    HWTOTP_TRY(check_owner(owner));
    HWTOTP_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin_immediate(impl_->db));
    HWTOTP_ASSIGN_OR_RETURN(auto other,
                            impl_->db.prepare("SELECT serial FROM tokens WHERE owner = ?1 AND "
                                              "serial <> ?2"));
    other.bind(1, owner).bind(2, serial);
    HWTOTP_ASSIGN_OR_RETURN(const bool taken, other.step());
    if (taken) {
        return fail(ErrorCode::invalid_input, std::string(owner) + " already owns token " +
                                                  other.column_text(0) +
                                                  " (one token per owner: unassign it first)");
    }
    HWTOTP_ASSIGN_OR_RETURN(auto update,
                            impl_->db.prepare("UPDATE tokens SET owner = ?1 WHERE serial = ?2"));
    update.bind(1, owner).bind(2, serial);
    HWTOTP_TRY(update.run());
    if (impl_->db.changes() == 0)
        return tl::unexpected(no_such_token(serial, impl_->paths.db));
    return tx.commit();
}

Result<void> Registry::unassign_owner(std::string_view serial) {
    HWTOTP_ASSIGN_OR_RETURN(auto update,
                            impl_->db.prepare("UPDATE tokens SET owner = NULL WHERE serial = ?"));
    update.bind(1, serial);
    HWTOTP_TRY(update.run());
    if (impl_->db.changes() == 0)
        return tl::unexpected(no_such_token(serial, impl_->paths.db));
    return {};
}

Result<std::optional<std::string>> Registry::token_of_owner(std::string_view owner) {
    HWTOTP_ASSIGN_OR_RETURN(auto stmt,
                            impl_->db.prepare("SELECT serial FROM tokens WHERE owner = ?"));
    stmt.bind(1, owner);
    HWTOTP_ASSIGN_OR_RETURN(const bool found, stmt.step());
    if (!found)
        return std::optional<std::string>{};
    return std::optional<std::string>{stmt.column_text(0)};
}

Result<void> Registry::unlock(std::string_view serial) {
    auto update = impl_->db.prepare(
        "UPDATE tokens SET locked = 0, locked_since = NULL, failures = 0, last_failure_at = NULL "
        "WHERE serial = ?");
    if (!update)
        return tl::unexpected(update.error());
    update->bind(1, serial);
    if (auto ok = update->run(); !ok)
        return ok;
    if (impl_->db.changes() == 0)
        return tl::unexpected(no_such_token(serial, impl_->paths.db));
    return {};
}

}  // namespace hwtotp::store
