// Master key file: created once (0600, atomic, never over someone else's file), and on every use
// checked on the opened descriptor: owned by the caller, private, 32 bytes.

#include "key_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>

#include "crypto.h"
#include "file_trust.h"
#include "file_util.h"

namespace hwtotp::store {
namespace {

constexpr files::FileRole key_role{"key file", files::Sharing::owner_only};

std::string temporary_prefix(const std::string& path) {
    const auto slash = path.rfind('/');
    return (slash == std::string::npos ? path : path.substr(slash + 1)) + ".tmp.";
}

Result<void> write_key(int fd, const std::string& temp) {
    Secret key = Secret::zeroed(crypto::master_key_size);
    HWTOTP_TRY(crypto::random_bytes(key.mutable_bytes()));
    const ssize_t n = ::write(fd, key.expose().data(), key.size());
    if (n != static_cast<ssize_t>(key.size()) || ::fsync(fd) != 0)
        return fail(ErrorCode::registry, "cannot write key file " + temp);
    return {};
}

Result<void> create_key_file(const std::string& path) {
    const std::string dir = files::parent_dir(path);
    HWTOTP_TRY(files::make_private_dirs(dir, ErrorCode::registry));
    HWTOTP_TRY(files::trusted_directory(dir));
    const std::string temp = path + ".tmp." + std::to_string(::getpid());
    const files::Fd fd(
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        return fail(ErrorCode::registry, "cannot create key file " + temp + ": " +
                                             std::strerror(errno) +
                                             " (check that the directory is writable by you)");
    }
    if (auto written = write_key(fd.get(), temp); !written) {
        ::unlink(temp.c_str());
        return written;
    }
    // link() fails with EEXIST when the name exists, be it another hwtotp's key (theirs wins,
    // and it is ours too) or anyone else's file (load_master_key then refuses it by its owner).
    const int linked = ::link(temp.c_str(), path.c_str());
    const int err = errno;
    ::unlink(temp.c_str());
    if (linked != 0 && err != EEXIST)
        return fail(ErrorCode::registry,
                    "cannot create key file " + path + ": " + std::strerror(err));
    // The new name must be on disk before any seed sealed under this key is: otherwise a power
    // cut could keep the registry (which syncs its commits) and lose the key file's entry.
    return files::sync_directory(dir, ErrorCode::registry);
}

// The pid of a "<key>.tmp.<pid>" name, or 0 when the name is not one.
pid_t temporary_pid(std::string_view name, std::string_view prefix) {
    if (!name.starts_with(prefix) || name.size() == prefix.size() ||
        name.size() - prefix.size() > 9)
        return 0;
    pid_t pid = 0;
    for (const char c : name.substr(prefix.size())) {
        if (c < '0' || c > '9')
            return 0;
        pid = pid * 10 + (c - '0');
    }
    return pid;
}

}  // namespace

Result<Secret> load_master_key(const std::string& path) {
    // A missing directory is a missing key file, reported as such below.
    if (auto dir = files::trusted_directory(files::parent_dir(path));
        !dir && dir.error().code != ErrorCode::not_found)
        return tl::unexpected(dir.error());
    auto fd = files::open_trusted_for_reading(path, key_role);
    if (!fd && fd.error().code == ErrorCode::not_found) {
        return fail(ErrorCode::registry,
                    "key file " + path +
                        " is missing, and the registry holds seeds sealed under it (restore "
                        "the key file from the backup, or set HWTOTP_KEY_FILE)");
    }
    HWTOTP_TRY(fd);
    auto key = files::read_secret(fd->get(), path, crypto::master_key_size);
    if (!key)
        return fail(ErrorCode::registry, key.error().message);
    if (key->size() != crypto::master_key_size) {
        return fail(ErrorCode::registry, "key file " + path + " holds " +
                                             std::to_string(key->size()) +
                                             " bytes; a master key is exactly 32");
    }
    return key;
}

Result<Secret> create_or_load_master_key(const std::string& path) {
    if (auto present = files::check_trusted(path, key_role);
        !present && present.error().code == ErrorCode::not_found) {
        HWTOTP_TRY(create_key_file(path));
    }
    return load_master_key(path);
}

void remove_stale_key_temporaries(const std::string& path) {
    const std::string dir = files::parent_dir(path);
    // Only where nobody else can swap a file between the check below and the unlink.
    if (!files::trusted_directory(dir))
        return;
    const std::string prefix = temporary_prefix(path);
    const std::unique_ptr<DIR, int (*)(DIR*)> listing(::opendir(dir.c_str()), ::closedir);
    if (!listing)
        return;
    const int dir_fd = ::dirfd(listing.get());
    const uid_t me = ::geteuid();
    while (const dirent* entry = ::readdir(listing.get())) {
        const pid_t pid = temporary_pid(entry->d_name, prefix);
        if (pid <= 0 || pid == ::getpid())
            continue;
        struct stat st {};
        if (::fstatat(dir_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || st.st_uid != me)
            continue;
        // kill(pid, 0) fails with ESRCH only when no such process exists (EPERM: it exists and
        // belongs to someone else). A reused pid keeps the file: harmless, and rare.
        if (::kill(pid, 0) != 0 && errno == ESRCH)
            ::unlinkat(dir_fd, entry->d_name, 0);
    }
}

}  // namespace hwtotp::store
