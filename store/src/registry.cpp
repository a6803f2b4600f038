// The token registry over SQLite: open/migrate, sealed seeds, atomic state changes.

#include "hwtotp/store/registry.h"

#include <cstdint>
#include <unordered_set>
#include <utility>

#include "crypto.h"
#include "file_util.h"
#include "key_file.h"
#include "schema.h"
#include "sqlite.h"

namespace hwtotp::store {
namespace {

constexpr std::string_view key_check_name = "key_check";
constexpr std::string_view key_check_aad = "hwtotp registry key check v1";
constexpr std::string_view key_check_plain = "hwtotp";

// Associated data of a sealed seed: binds the ciphertext to its serial (and to this purpose).
std::vector<std::uint8_t> seed_aad(std::string_view serial) {
    constexpr std::string_view prefix = "hwtotp seed v1:";
    std::vector<std::uint8_t> aad;
    aad.reserve(prefix.size() + serial.size());
    for (const char c : prefix)
        aad.push_back(static_cast<std::uint8_t>(c));
    for (const char c : serial)
        aad.push_back(static_cast<std::uint8_t>(c));
    return aad;
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

constexpr const char* token_columns =
    "serial, label, issuer, manufacturer, type, algorithm, digits, period, t0, counter, source, "
    "imported_at, last_step, offset_steps, failures, locked, locked_since, seed_nonce, "
    "seed_sealed, last_failure_at";

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
    Impl(RegistryPaths p, sql::Db d, crypto::SeedBox b)
        : paths(std::move(p)), db(std::move(d)), box(std::move(b)) {}

    RegistryPaths paths;
    sql::Db db;
    crypto::SeedBox box;

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
    // nothing (a read followed by a later write would let both through).
    Result<AcceptOutcome> record_step(std::string_view serial, std::uint64_t step,
                                      std::int64_t offset, std::int64_t at, ObservedBy how,
                                      Lock lock) {
        if (step > static_cast<std::uint64_t>(INT64_MAX))
            return fail(ErrorCode::invalid_input, "step out of range");
        auto tx = sql::Transaction::begin_immediate(db);
        if (!tx)
            return tl::unexpected(tx.error());
        auto update = db.prepare(
            "UPDATE tokens SET last_step = ?1, offset_steps = ?2, failures = 0 "
            "WHERE serial = ?3 AND (?4 = 0 OR locked = 0) "
            "AND (last_step IS NULL OR last_step < ?1)");
        if (!update)
            return tl::unexpected(update.error());
        update->bind(1, static_cast<std::int64_t>(step))
            .bind(2, offset)
            .bind(3, serial)
            .bind(4, std::int64_t{lock == Lock::refuses ? 1 : 0});
        if (auto ok = update->run(); !ok)
            return tl::unexpected(ok.error());
        if (db.changes() != 1) {
            auto why = explain_no_change(serial);
            if (!why || lock == Lock::refuses)
                return why;
            return AcceptOutcome::replay;
        }
        if (auto ok = append_history(serial, at, offset, how); !ok)
            return tl::unexpected(ok.error());
        if (auto ok = tx->commit(); !ok)
            return tl::unexpected(ok.error());
        return AcceptOutcome::recorded;
    }

    // Why a conditional update changed nothing: the token is gone, locked, or it was a replay.
    Result<AcceptOutcome> explain_no_change(std::string_view serial) {
        auto stmt = select_token(serial, "locked");
        if (!stmt)
            return tl::unexpected(stmt.error());
        return stmt->column_int(0) != 0 ? AcceptOutcome::locked : AcceptOutcome::replay;
    }
};

Registry::Registry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;
Registry::~Registry() = default;

const RegistryPaths& Registry::paths() const {
    return impl_->paths;
}

Result<Registry> Registry::open(const Options& options) {
    const RegistryPaths& paths = options.paths;
    if (paths.db.empty() || paths.key.empty())
        return fail(ErrorCode::registry, "no registry path given");
    // Create the directory and an empty database file with their final modes up front: SQLite
    // would create the file 0644, and its -wal/-shm files copy the database file's mode.
    const bool created = !files::exists(paths.db);
    if (created) {
        if (auto ok = files::make_private_dirs(files::parent_dir(paths.db), ErrorCode::registry);
            !ok)
            return tl::unexpected(ok.error());
        if (auto ok = files::create_private_file(paths.db, ErrorCode::registry); !ok)
            return tl::unexpected(ok.error());
    }
    auto db = sql::Db::open(paths.db, sql::OpenMode::read_write, options.busy_timeout_ms);
    if (!db)
        return tl::unexpected(db.error());

    // 16 KiB pages for a new registry (SQLite's default is 4 KiB): a row is ~200 bytes either
    // way, but an import of 10,000 keys then makes 387 page writes instead of 1,434, and on a
    // virtual machine each write is a system call of tens of microseconds. A verify touches a
    // handful of pages, so its cost barely moves. Existing registries keep their page size.
    if (created) {
        if (auto ok = db->exec("PRAGMA page_size = 16384"); !ok)
            return tl::unexpected(ok.error());
    }
    // WAL: readers never block the writer; FULL sync: an accepted step survives a power cut.
    {
        auto wal = db->prepare("PRAGMA journal_mode = WAL");
        if (!wal)
            return tl::unexpected(wal.error());
        auto wal_row = wal->step();
        if (!wal_row)
            return tl::unexpected(wal_row.error());
        if (*wal_row && wal->column_text(0) != "wal") {
            return fail(ErrorCode::registry, "registry " + paths.db +
                                                 ": cannot switch to WAL mode (journal mode is " +
                                                 wal->column_text(0) + ")");
        }
    }
    if (auto ok = db->exec("PRAGMA synchronous = FULL"); !ok)
        return tl::unexpected(ok.error());
    if (auto ok = migrate(*db); !ok)
        return tl::unexpected(ok.error());

    // The key check value tells a wrong or missing key file apart from a tampered row.
    auto check = db->prepare("SELECT value FROM meta WHERE name = ?");
    if (!check)
        return tl::unexpected(check.error());
    check->bind(1, key_check_name);
    auto has_check = check->step();
    if (!has_check)
        return tl::unexpected(has_check.error());
    std::vector<std::uint8_t> sealed_check;
    if (*has_check)
        sealed_check = check->column_blob(0);
    check->reset();

    auto key = load_or_create_master_key(paths.key, !*has_check);
    if (!key)
        return tl::unexpected(key.error());
    auto box = crypto::SeedBox::create(*key);
    if (!box)
        return tl::unexpected(box.error());

    if (!*has_check) {
        auto sealed = box->seal(bytes_of(key_check_plain), bytes_of(key_check_aad));
        if (!sealed)
            return tl::unexpected(sealed.error());
        std::vector<std::uint8_t> value = sealed->nonce;
        value.insert(value.end(), sealed->ciphertext.begin(), sealed->ciphertext.end());
        auto insert = db->prepare("INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)");
        if (!insert)
            return tl::unexpected(insert.error());
        insert->bind(1, key_check_name).bind_blob(2, value);
        if (auto ok = insert->run(); !ok)
            return tl::unexpected(ok.error());
        check->bind(1, key_check_name);
        auto again = check->step();
        if (!again)
            return tl::unexpected(again.error());
        sealed_check = check->column_blob(0);
        check->reset();
    }
    if (sealed_check.size() < crypto::gcm_nonce_size) {
        return fail(ErrorCode::registry, "registry " + paths.db + ": the key check is damaged");
    }
    const std::span<const std::uint8_t> all(sealed_check);
    auto opened = box->open(all.first(crypto::gcm_nonce_size), all.subspan(crypto::gcm_nonce_size),
                            bytes_of(key_check_aad));
    if (!opened) {
        return fail(ErrorCode::registry,
                    "key file " + paths.key + " does not belong to registry " + paths.db +
                        " (restore the matching key file, or check HWTOTP_KEY_FILE)");
    }
    return Registry(std::make_unique<Impl>(paths, std::move(*db), std::move(*box)));
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
    auto sealed = impl_->box.seal(token.seed.expose(), seed_aad(d.serial));
    if (!sealed)
        return tl::unexpected(sealed.error());
    return SealedToken(std::move(d), std::move(sealed->nonce), std::move(sealed->ciphertext));
}

Result<Import::Sealer> Import::sealer() const {
    auto box = impl_->registry.box.another();
    if (!box)
        return tl::unexpected(box.error());
    return Sealer(std::make_unique<Sealer::Impl>(std::move(*box)));
}

Result<Import::Sealer> Registry::sealer() const {
    HWTOTP_ASSIGN_OR_RETURN(auto another_box, impl_->box.another());
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
        "period, t0, counter, seed_nonce, seed_sealed, source, imported_at, offset_steps) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    auto update = db.prepare(
        "UPDATE tokens SET label = ?2, issuer = ?3, manufacturer = ?4, type = ?5, algorithm = ?6, "
        "digits = ?7, period = ?8, t0 = ?9, counter = ?10, seed_nonce = ?11, seed_sealed = ?12, "
        "source = ?13, imported_at = ?14, offset_steps = ?15, last_step = NULL, failures = 0, "
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
    auto ok = stmt.run();
    stmt.reset();
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
    auto stmt = impl_->select_token(serial);
    if (!stmt)
        return tl::unexpected(stmt.error());
    auto info = read_token_row(*stmt, impl_->paths.db);
    if (!info)
        return tl::unexpected(info.error());
    const auto nonce = stmt->column_blob(17);
    const auto sealed = stmt->column_blob(18);
    auto seed = impl_->box.open(nonce, sealed, seed_aad(info->description.serial));
    if (!seed) {
        return fail(ErrorCode::registry,
                    "registry " + impl_->paths.db + ": the seed of token " +
                        info->description.serial +
                        " does not decrypt (the record was altered or moved from another row)");
    }
    return Token{std::move(*info), std::move(*seed)};
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

Result<AcceptOutcome> Registry::record_resync(std::string_view serial, std::uint64_t last_step,
                                              std::int64_t offset, std::int64_t at,
                                              ObservedBy how) {
    // A lock does not stop a resync from being recorded; it stays until unlock().
    return impl_->record_step(serial, last_step, offset, at, how, Impl::Lock::ignored);
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
