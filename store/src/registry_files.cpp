// The registry's database files: trusted before SQLite opens them (registry_files.h).

#include "registry_files.h"

#include <array>

#include "file_trust.h"
#include "file_util.h"

namespace hwtotp::store {
namespace {

using Access = Registry::Access;

constexpr files::FileRole database_role{"registry", files::Sharing::others_may_read};
constexpr files::FileRole companion_role{"registry file", files::Sharing::others_may_read};
constexpr std::array<const char*, 2> companion_suffixes{"-wal", "-shm"};

// Pages in the -wal file that make SQLite checkpoint after a commit, without checkpoints on
// close. A login writes 2 to 4 pages (16 KiB each in a new registry): a checkpoint every 8 or
// so logins, and a -wal file of at most ~512 KiB for a new connection to read.
constexpr int wal_pages_between_checkpoints = 32;

Error missing_to_no_registry(Error error, const std::string& db_path) {
    return error.code == ErrorCode::not_found ? no_registry(db_path) : std::move(error);
}

// The database, -wal and -shm: each created by us now (O_EXCL) or found to be ours. SQLite
// opens them by name afterwards; in a trusted directory nobody else can swap them meanwhile.
Result<bool> claim_files(const std::string& db_path, Access access) {
    auto created = access == Access::create
                       ? files::claim_trusted(db_path, database_role)
                       : files::check_trusted(db_path, database_role).map([] { return false; });
    if (!created)
        return tl::unexpected(missing_to_no_registry(created.error(), db_path));
    for (const char* suffix : companion_suffixes)
        HWTOTP_TRY(files::claim_trusted(db_path + suffix, companion_role));
    return *created;
}

// A reader creates nothing. SQLite reads a WAL database through its -shm file and makes one
// when it is missing; in a directory where it cannot (read-only, or another user's), SQLite
// 3.40 fails with "attempt to write a readonly database". Without a -wal file holding changes
// the database file alone is the whole registry, and SQLite's immutable mode reads it without
// -shm: no writer can be at work, as one would need to create the -wal file there too (root
// could: reads racing root's writes may then fail, never write).
Result<sql::OpenMode> check_for_reading(const std::string& db_path) {
    if (auto checked = files::check_trusted(db_path, database_role); !checked)
        return tl::unexpected(missing_to_no_registry(checked.error(), db_path));
    for (const char* suffix : companion_suffixes)
        HWTOTP_TRY(files::check_if_present(db_path + suffix, companion_role));
    const std::string shm = db_path + "-shm";
    if (files::exists(shm) || files::can_create_in(files::parent_dir(db_path)))
        return sql::OpenMode::read_only;
    if (files::size_if_present(db_path + "-wal").value_or(0) > 0) {
        return fail(ErrorCode::registry,
                    "registry " + db_path + " cannot be read: " + shm +
                        " is missing and its directory is read-only, while " + db_path +
                        "-wal holds changes (open the registry once with write access to its "
                        "directory)");
    }
    return sql::OpenMode::read_only_immutable;
}

Result<void> configure_writer(sql::Db& db, bool created) {
    // 16 KiB pages for a new registry (SQLite's default is 4 KiB): a row is ~200 bytes either
    // way, but an import of 10,000 keys then makes 387 page writes instead of 1,434, and on a
    // virtual machine each write is a system call of tens of microseconds. A verify touches a
    // handful of pages, so its cost barely moves. Existing registries keep their page size.
    if (created)
        HWTOTP_TRY(db.exec("PRAGMA page_size = 16384"));
    // WAL: readers never block the writer; FULL sync: an accepted step survives a power cut.
    HWTOTP_ASSIGN_OR_RETURN(auto wal, db.prepare("PRAGMA journal_mode = WAL"));
    HWTOTP_ASSIGN_OR_RETURN(const bool has_row, wal.step());
    if (has_row && wal.column_text(0) != "wal") {
        return fail(ErrorCode::registry, "registry " + db.path() +
                                             ": cannot switch to WAL mode (journal mode is " +
                                             wal.column_text(0) + ")");
    }
    HWTOTP_TRY(db.exec("PRAGMA synchronous = FULL"));
    // The -wal file is kept after the last close (sqlite.h): truncated to nothing then, rather
    // than left at its largest size.
    return db.exec("PRAGMA journal_size_limit = 0");
}

}  // namespace

Error no_registry(const std::string& db_path) {
    return Error{ErrorCode::registry,
                 "no registry at " + db_path + ": nothing has been imported there yet"};
}

Result<OpenedDatabase> open_database(const RegistryPaths& paths, Access access,
                                     int busy_timeout_ms) {
    const std::string dir = files::parent_dir(paths.db);
    if (access == Access::create)
        HWTOTP_TRY(files::make_private_dirs(dir, ErrorCode::registry));
    if (auto trusted = files::trusted_directory(dir); !trusted)
        return tl::unexpected(missing_to_no_registry(trusted.error(), paths.db));
    if (access == Access::read) {
        HWTOTP_ASSIGN_OR_RETURN(const auto mode, check_for_reading(paths.db));
        HWTOTP_ASSIGN_OR_RETURN(auto db, sql::Db::open(paths.db, mode, busy_timeout_ms));
        return OpenedDatabase{std::move(db), false};
    }
    HWTOTP_ASSIGN_OR_RETURN(const bool created, claim_files(paths.db, access));
    HWTOTP_ASSIGN_OR_RETURN(auto db,
                            sql::Db::open(paths.db, sql::OpenMode::read_write, busy_timeout_ms));
    HWTOTP_TRY(configure_writer(db, created));
    return OpenedDatabase{std::move(db), created};
}

Result<void> leave_checkpoints_to_sqlite(sql::Db& db) {
    db.skip_checkpoint_on_close();
    return db.exec("PRAGMA wal_autocheckpoint = " + std::to_string(wal_pages_between_checkpoints));
}

Result<void> check_database_companions(sql::Db& db) {
    for (const char* suffix : companion_suffixes) {
        if (auto ok = files::check_if_present(db.path() + suffix, companion_role); !ok) {
            db.skip_checkpoint_on_close();
            return ok;
        }
    }
    return {};
}

}  // namespace hwtotp::store
