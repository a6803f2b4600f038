#pragma once
// Whether the registry's files can be trusted on a host shared with other users, as OpenSSH's
// StrictModes decides for ~/.ssh: a file is used only when the caller owns it and no one else
// may write it, and only in a directory where no one else can swap it for another file.
//
// Every check is made with fstat on a descriptor opened with O_NOFOLLOW, never with stat on a
// path followed by open (another user could replace the file between the two calls). A file
// checked here stays the one checked when SQLite opens it by name afterwards, because
// trusted_directory() holds for its directory: nobody but the caller and root can rename or
// remove the caller's files there.

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>

#include "hwtotp/totp/error.h"

namespace hwtotp::store::files {

// An open file descriptor, closed on destruction.
class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();
    [[nodiscard]] int get() const { return fd_; }

  private:
    int fd_ = -1;
};

// Who besides the owner may touch a file.
enum class Sharing {
    others_may_read,  // group and others may read, never write (the database, -wal and -shm)
    owner_only,       // group and others may neither read nor write (the master key)
};

// `what` names the file in errors: "registry", "key file", "registry file".
struct FileRole {
    std::string_view what;
    Sharing sharing;
};

// The directory must be a directory owned by the caller or root, and not writable by group or
// others unless it has the sticky bit (as /tmp): otherwise its owner, or anyone who may write
// it, could rename the caller's files away and put their own in their place.
[[nodiscard]] Result<void> trusted_directory(const std::string& dir);

// Checks an existing file on an O_PATH|O_NOFOLLOW descriptor: a regular file (not a symbolic
// link) owned by the caller's effective uid, with no more sharing than `role` allows.
// not_found when it does not exist; every other failure is ErrorCode::registry naming the file
// and the fix. An O_PATH descriptor neither reads the file nor, when closed, drops the POSIX
// locks that an SQLite connection of this process holds on it (closing any other descriptor
// of a database, -wal or -shm file would: SQLite's documented pitfall, seen here as SIGBUS
// when another process then took its -shm for unused and truncated it).
[[nodiscard]] Result<void> check_trusted(const std::string& path, FileRole role);

// As check_trusted, for a file this process reads itself (never one SQLite opens): the
// descriptor is O_RDONLY|O_NOFOLLOW, checked before it is returned.
[[nodiscard]] Result<Fd> open_trusted_for_reading(const std::string& path, FileRole role);

// Creates the file (mode 0600, O_CREAT|O_EXCL|O_NOFOLLOW) when it does not exist, so that
// nobody else's file is ever taken over; when it exists, check_trusted. Returns whether this call
// created it.
[[nodiscard]] Result<bool> claim_trusted(const std::string& path, FileRole role);

// check_trusted when `path` exists; nothing when it does not.
[[nodiscard]] Result<void> check_if_present(const std::string& path, FileRole role);

// Whether the caller may create files in `dir` (effective ids, as open() would decide).
[[nodiscard]] bool can_create_in(const std::string& dir);

}  // namespace hwtotp::store::files
