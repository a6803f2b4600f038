#pragma once
// The SQLite adapter: the only file that includes sqlite3.h. RAII owners for the connection and
// prepared statements, and SQLite result codes turned into registry errors.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hwtotp/totp/error.h"

namespace hwtotp::store::sql {

class Db;

// A prepared statement. Bind indexes are 1-based, as in SQLite.
class Statement {
  public:
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) noexcept;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
    Statement& bind_null(int index);
    // As bind and bind_blob, without SQLite taking a copy: the caller keeps the bytes alive
    // and unchanged until reset(). For statements run once per record of a large import.
    Statement& bind_borrowed(int index, std::string_view text);
    Statement& bind_blob_borrowed(int index, std::span<const std::uint8_t> bytes);

    // true: a row is available; false: done. Errors name the database.
    [[nodiscard]] Result<bool> step();
    // Steps until done, expecting no rows.
    [[nodiscard]] Result<void> run();
    // Resets for re-execution and clears bindings.
    void reset();

    [[nodiscard]] std::int64_t column_int(int index) const;
    [[nodiscard]] std::string column_text(int index) const;
    [[nodiscard]] std::vector<std::uint8_t> column_blob(int index) const;
    [[nodiscard]] bool column_is_null(int index) const;

    class Impl;

  private:
    friend class Db;
    explicit Statement(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

enum class OpenMode {
    read_write_create,
    read_write,  // the file must exist
    read_only,   // the file must exist; nothing is ever written (SQLITE_OPEN_READONLY)
    // Read-only without locks or shared memory (SQLite's immutable=1): for a WAL registry in a
    // directory where the -shm file cannot be created, and only when no -wal file holds
    // unsaved pages (they would be ignored).
    read_only_immutable,
};

class Db {
  public:
    // Opens `path` (never through a symbolic link). The -wal and -shm files are kept when the
    // last connection closes (SQLITE_FCNTL_PERSIST_WAL): they stay the files the caller checked,
    // and a reader in a read-only directory still finds them.
    [[nodiscard]] static Result<Db> open(const std::string& path, OpenMode mode,
                                         int busy_timeout_ms);
    Db(Db&&) noexcept;
    Db& operator=(Db&&) noexcept;
    ~Db();

    [[nodiscard]] Result<Statement> prepare(std::string_view sql);
    // Runs one or more statements without results.
    [[nodiscard]] Result<void> exec(const std::string& sql);
    [[nodiscard]] std::int64_t changes() const;
    [[nodiscard]] const std::string& path() const;
    // Closing will not checkpoint: for a connection that found files it must not trust, so
    // that nothing from them is copied into the database.
    void skip_checkpoint_on_close();

    class Impl;

  private:
    explicit Db(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Rolls back on destruction unless committed. BEGIN IMMEDIATE takes the write lock up front, so
// a read-then-write never fails half-way with SQLITE_BUSY.
class Transaction {
  public:
    [[nodiscard]] static Result<Transaction> begin_immediate(Db& db);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    [[nodiscard]] Result<void> commit();

  private:
    explicit Transaction(Db& db) : db_(&db) {}
    Db* db_;
};

// While it lives, commits on `db` are not synced on their own: in WAL mode, synchronous =
// NORMAL only appends a commit's frames to the -wal file. The next synced commit (FULL: the
// -wal file is fsync'ed, every frame before its own with it) or checkpoint makes them durable
// too; a power cut before that loses them, and only them (WAL recovery keeps the longest run of
// valid frames, which every earlier commit is part of). end() -- or, after an early return, the
// destructor -- sets FULL again.
class UnsyncedCommits {
  public:
    [[nodiscard]] static Result<UnsyncedCommits> begin(Db& db) {
        HWTOTP_TRY(db.exec("PRAGMA synchronous = NORMAL"));
        return UnsyncedCommits(db);
    }
    UnsyncedCommits(UnsyncedCommits&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
    UnsyncedCommits& operator=(UnsyncedCommits&&) = delete;
    ~UnsyncedCommits() {
        if (db_ != nullptr)
            (void)db_->exec(full);
    }
    [[nodiscard]] Result<void> end() { return std::exchange(db_, nullptr)->exec(full); }

  private:
    static constexpr const char* full = "PRAGMA synchronous = FULL";
    explicit UnsyncedCommits(Db& db) : db_(&db) {}
    Db* db_;
};

}  // namespace hwtotp::store::sql
