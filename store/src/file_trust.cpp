// Ownership and mode checks on opened descriptors (see file_trust.h for why).

#include "file_trust.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace hwtotp::store::files {
namespace {

std::string octal_mode(mode_t mode) {
    std::array<char, 8> text{};
    std::snprintf(text.data(), text.size(), "%04o", static_cast<unsigned>(mode & 07777));
    return text.data();
}

std::string uid_text(uid_t uid) {
    return "uid " + std::to_string(uid);
}

std::string named(FileRole role, const std::string& path) {
    return std::string(role.what) + " " + path;
}

Error symbolic_link(FileRole role, const std::string& path) {
    return Error{ErrorCode::registry,
                 named(role, path) +
                     " is a symbolic link: hwtotp does not follow links to its files (another "
                     "user may have planted it; give the real path)"};
}

Error cannot_open(FileRole role, const std::string& path, int err) {
    if (err == ELOOP)
        return symbolic_link(role, path);
    return Error{err == ENOENT ? ErrorCode::not_found : ErrorCode::registry,
                 "cannot open " + named(role, path) + ": " + std::strerror(err)};
}

Result<void> check_descriptor(int fd, const std::string& path, FileRole role) {
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return fail(ErrorCode::registry,
                    "cannot inspect " + named(role, path) + ": " + std::strerror(errno));
    if (S_ISLNK(st.st_mode))
        return tl::unexpected(symbolic_link(role, path));
    if (!S_ISREG(st.st_mode))
        return fail(ErrorCode::registry, named(role, path) + " is not a regular file");
    const uid_t me = ::geteuid();
    if (st.st_uid != me) {
        return fail(ErrorCode::registry,
                    named(role, path) + " belongs to " + uid_text(st.st_uid) + ", not to you (" +
                        uid_text(me) +
                        "): another user may have planted it (remove it, or keep the registry "
                        "in a directory only you can write)");
    }
    if (role.sharing == Sharing::owner_only && (st.st_mode & 077) != 0) {
        return fail(ErrorCode::registry, named(role, path) + " has mode " + octal_mode(st.st_mode) +
                                             ": group or others may access it; fix with: chmod "
                                             "600 " +
                                             path);
    }
    if ((st.st_mode & 022) != 0) {
        return fail(ErrorCode::registry, named(role, path) + " has mode " + octal_mode(st.st_mode) +
                                             ": group or others may write it; fix with: chmod "
                                             "go-w " +
                                             path);
    }
    return {};
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0)
        ::close(fd_);
}

Result<void> check_trusted(const std::string& path, FileRole role) {
    // O_PATH with O_NOFOLLOW opens a symbolic link itself, which fstat then shows as one.
    const Fd fd(::open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0)
        return tl::unexpected(cannot_open(role, path, errno));
    return check_descriptor(fd.get(), path, role);
}

Result<Fd> open_trusted_for_reading(const std::string& path, FileRole role) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0) {
        const int err = errno;
        // Unreadable because it is someone else's, or a link: say that rather than EACCES.
        if (err == EACCES || err == ELOOP)
            HWTOTP_TRY(check_trusted(path, role));
        return tl::unexpected(cannot_open(role, path, err));
    }
    HWTOTP_TRY(check_descriptor(fd.get(), path, role));
    return fd;
}

Result<bool> claim_trusted(const std::string& path, FileRole role) {
    // A few rounds: the file may be removed (by its owner: the caller) between the failed
    // exclusive create and the check of the existing file.
    for (int attempt = 0; attempt < 3; ++attempt) {
        const Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (fd.get() >= 0)
            return true;
        if (errno != EEXIST)
            return fail(ErrorCode::registry, "cannot create " + named(role, path) + ": " +
                                                 std::strerror(errno) +
                                                 " (check that its directory is writable by you)");
        auto existing = check_trusted(path, role);
        if (existing)
            return false;
        if (existing.error().code != ErrorCode::not_found)
            return tl::unexpected(existing.error());
    }
    return fail(ErrorCode::registry, named(role, path) + " keeps appearing and disappearing");
}

Result<void> check_if_present(const std::string& path, FileRole role) {
    auto checked = check_trusted(path, role);
    if (!checked && checked.error().code == ErrorCode::not_found)
        return {};
    return checked;
}

Result<void> trusted_directory(const std::string& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        const int err = errno;
        return fail(err == ENOENT ? ErrorCode::not_found : ErrorCode::registry,
                    "cannot inspect directory " + dir + ": " + std::strerror(err));
    }
    if (!S_ISDIR(st.st_mode))
        return fail(ErrorCode::registry, dir + " is not a directory");
    const uid_t me = ::geteuid();
    if (st.st_uid != me && st.st_uid != 0) {
        return fail(ErrorCode::registry,
                    "directory " + dir + " belongs to " + uid_text(st.st_uid) + ", neither you (" +
                        uid_text(me) +
                        ") nor root: its owner could replace the files in it (keep the registry "
                        "in a directory you own)");
    }
    if ((st.st_mode & 022) != 0 && (st.st_mode & S_ISVTX) == 0) {
        return fail(ErrorCode::registry,
                    "directory " + dir + " has mode " + octal_mode(st.st_mode) +
                        ": group or others may replace the files in it; fix with: chmod go-w " +
                        dir + " (or chmod +t for a shared directory)");
    }
    return {};
}

bool can_create_in(const std::string& dir) {
    return ::faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) == 0;
}

}  // namespace hwtotp::store::files
