// SQLite adapter: connection and statement owners; errors become ErrorCode::registry.

#include "sqlite.h"

#include <sqlite3.h>

#include <climits>
#include <utility>

#include "hwtotp/store/hints.h"

namespace hwtotp::store::sql {
namespace {

struct DbClose {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalize {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

Error sqlite_error(sqlite3* db, int rc, const std::string& path, std::string_view doing) {
    const int primary = rc & 0xff;
    // Whichever statement first touches the file finds this, on reading it: say so alike.
    if (primary == SQLITE_NOTADB)
        doing = "cannot read";
    std::string message = "registry " + path + ": " + std::string(doing) + ": ";
    if (primary == SQLITE_NOTADB) {
        message +=
            "the file is not an SQLite database (" + std::string(hint::check_registry_path) + ")";
    } else if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM ||
               primary == SQLITE_AUTH) {
        message += (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        message += " (check that the file and its directory are writable by you)";
    } else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
        message += "the database stayed busy beyond the timeout (another hwtotp is writing)";
    } else if (primary == SQLITE_CORRUPT) {
        message += "the database is corrupt (restore it from a backup)";
    } else {
        message += (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    }
    return Error{ErrorCode::registry, std::move(message)};
}

}  // namespace

class Db::Impl {
  public:
    std::unique_ptr<sqlite3, DbClose> db;
    std::string path;
};

class Statement::Impl {
  public:
    std::unique_ptr<sqlite3_stmt, StmtFinalize> stmt;
    sqlite3* db = nullptr;
    const std::string* path = nullptr;
};

Statement::Statement(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Statement::Statement(Statement&&) noexcept = default;
Statement& Statement::operator=(Statement&&) noexcept = default;
Statement::~Statement() = default;

Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(impl_->stmt.get(), index, static_cast<sqlite3_int64>(value));
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text64(impl_->stmt.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                        SQLITE_UTF8);
    return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
    static constexpr std::uint8_t empty = 0;
    sqlite3_bind_blob64(impl_->stmt.get(), index, bytes.empty() ? &empty : bytes.data(),
                        bytes.size(), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind_borrowed(int index, std::string_view text) {
    sqlite3_bind_text64(impl_->stmt.get(), index, text.data(), text.size(), SQLITE_STATIC,
                        SQLITE_UTF8);
    return *this;
}

Statement& Statement::bind_blob_borrowed(int index, std::span<const std::uint8_t> bytes) {
    static constexpr std::uint8_t empty = 0;
    sqlite3_bind_blob64(impl_->stmt.get(), index, bytes.empty() ? &empty : bytes.data(),
                        bytes.size(), SQLITE_STATIC);
    return *this;
}

Statement& Statement::bind_null(int index) {
    sqlite3_bind_null(impl_->stmt.get(), index);
    return *this;
}

Result<bool> Statement::step() {
    const int rc = sqlite3_step(impl_->stmt.get());
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    Error error = sqlite_error(impl_->db, rc, *impl_->path, "statement failed");
    sqlite3_reset(impl_->stmt.get());
    return tl::unexpected(std::move(error));
}

Result<void> Statement::run() {
    for (;;) {
        HWTOTP_ASSIGN_OR_RETURN(const bool more, step());
        if (!more)
            break;
    }
    return {};
}

void Statement::reset() {
    sqlite3_reset(impl_->stmt.get());
    sqlite3_clear_bindings(impl_->stmt.get());
}

std::int64_t Statement::column_int(int index) const {
    return sqlite3_column_int64(impl_->stmt.get(), index);
}

std::string Statement::column_text(int index) const {
    const unsigned char* text = sqlite3_column_text(impl_->stmt.get(), index);
    const int size = sqlite3_column_bytes(impl_->stmt.get(), index);
    if (text == nullptr || size <= 0)
        return {};
    return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

std::vector<std::uint8_t> Statement::column_blob(int index) const {
    const void* blob = sqlite3_column_blob(impl_->stmt.get(), index);
    const int size = sqlite3_column_bytes(impl_->stmt.get(), index);
    if (blob == nullptr || size <= 0)
        return {};
    const auto* bytes = static_cast<const std::uint8_t*>(blob);
    return {bytes, bytes + size};
}

bool Statement::column_is_null(int index) const {
    return sqlite3_column_type(impl_->stmt.get(), index) == SQLITE_NULL;
}

Db::Db(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Db::Db(Db&&) noexcept = default;
Db& Db::operator=(Db&&) noexcept = default;
Db::~Db() = default;

namespace {

// A file: URI for sqlite3_open_v2 with SQLITE_OPEN_URI ('%', '?' and '#' escaped).
std::string file_uri(const std::string& path, std::string_view query) {
    std::string uri = path.starts_with('/') ? "file://" : "file:";
    for (const char c : path) {
        if (c == '%')
            uri += "%25";
        else if (c == '?')
            uri += "%3f";
        else if (c == '#')
            uri += "%23";
        else
            uri += c;
    }
    return uri + "?" + std::string(query);
}

}  // namespace

Result<Db> Db::open(const std::string& path, OpenMode mode, int busy_timeout_ms) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    sqlite3* raw = nullptr;
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
    std::string name = path;
    switch (mode) {
        case OpenMode::read_write_create:
            flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
            break;
        case OpenMode::read_write:
            flags |= SQLITE_OPEN_READWRITE;
            break;
        case OpenMode::read_only:
            flags |= SQLITE_OPEN_READONLY;
            break;
        case OpenMode::read_only_immutable:
            flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
            name = file_uri(path, "immutable=1");
            break;
    }
    const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    impl->db.reset(raw);
    if (rc != SQLITE_OK)
        return tl::unexpected(sqlite_error(raw, rc, path, "cannot open"));
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, busy_timeout_ms);
    int persist = 1;
    sqlite3_file_control(raw, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    return Db(std::move(impl));
}

Result<Statement> Db::prepare(std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    if (sql.size() > static_cast<std::size_t>(INT_MAX))
        return fail(ErrorCode::internal, "SQL too long");
    const int rc = sqlite3_prepare_v3(impl_->db.get(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    auto stmt_impl = std::make_unique<Statement::Impl>();
    stmt_impl->stmt.reset(raw);
    stmt_impl->db = impl_->db.get();
    stmt_impl->path = &impl_->path;
    if (rc != SQLITE_OK)
        return tl::unexpected(sqlite_error(impl_->db.get(), rc, impl_->path, "cannot read"));
    return Statement(std::move(stmt_impl));
}

Result<void> Db::exec(const std::string& sql) {
    const int rc = sqlite3_exec(impl_->db.get(), sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        return tl::unexpected(sqlite_error(impl_->db.get(), rc, impl_->path, "cannot write"));
    return {};
}

std::int64_t Db::changes() const {
    return sqlite3_changes64(impl_->db.get());
}

const std::string& Db::path() const {
    return impl_->path;
}

void Db::skip_checkpoint_on_close() {
    sqlite3_db_config(impl_->db.get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

Result<Transaction> Transaction::begin_immediate(Db& db) {
    HWTOTP_TRY(db.exec("BEGIN IMMEDIATE"));
    return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
    if (db_ != nullptr)
        (void)db_->exec("ROLLBACK");
}

Result<void> Transaction::commit() {
    if (db_ == nullptr)
        return fail(ErrorCode::internal, "transaction already finished");
    auto ok = db_->exec("COMMIT");
    if (!ok) {
        return ok;  // the destructor rolls back
    }
    db_ = nullptr;
    return {};
}

}  // namespace hwtotp::store::sql
