// Master key file: create once (0600, atomic), check permissions on every use.

#include "key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "crypto.h"
#include "file_util.h"

namespace hwtotp::store {
namespace {

std::string octal_mode(mode_t mode) {
    std::array<char, 8> text{};
    std::snprintf(text.data(), text.size(), "%04o", static_cast<unsigned>(mode & 07777));
    return text.data();
}

Result<void> create_key_file(const std::string& path) {
    if (auto ok = files::make_private_dirs(files::parent_dir(path), ErrorCode::registry); !ok)
        return ok;
    const std::string temp = path + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return fail(ErrorCode::registry, "cannot create key file " + temp + ": " +
                                             std::strerror(errno) +
                                             " (check that the directory is writable by you)");
    }
    Secret key = Secret::zeroed(crypto::master_key_size);
    auto random = crypto::random_bytes(key.mutable_bytes());
    bool written = false;
    if (random) {
        const ssize_t n = ::write(fd, key.expose().data(), key.size());
        written = n == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
    }
    ::close(fd);
    if (!written) {
        ::unlink(temp.c_str());
        return fail(ErrorCode::registry, "cannot write key file " + temp);
    }
    // link() fails with EEXIST when another process created the key first: theirs wins.
    const int linked = ::link(temp.c_str(), path.c_str());
    const int err = errno;
    ::unlink(temp.c_str());
    if (linked != 0 && err != EEXIST)
        return fail(ErrorCode::registry,
                    "cannot create key file " + path + ": " + std::strerror(err));
    // The new name must be on disk before any seed sealed under this key is: otherwise a power
    // cut could keep the registry (which syncs its commits) and lose the key file's entry.
    return files::sync_directory(files::parent_dir(path), ErrorCode::registry);
}

}  // namespace

Result<Secret> load_or_create_master_key(const std::string& path, bool may_create) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno != ENOENT)
            return fail(ErrorCode::registry,
                        "cannot read key file " + path + ": " + std::strerror(errno));
        if (!may_create) {
            return fail(ErrorCode::registry,
                        "key file " + path +
                            " is missing, and the registry holds seeds sealed under it (restore "
                            "the key file from the backup, or set HWTOTP_KEY_FILE)");
        }
        if (auto ok = create_key_file(path); !ok)
            return tl::unexpected(ok.error());
        if (::stat(path.c_str(), &st) != 0)
            return fail(ErrorCode::registry, "key file " + path + " vanished after creation");
    }
    if (!S_ISREG(st.st_mode))
        return fail(ErrorCode::registry, "key file " + path + " is not a regular file");
    if ((st.st_mode & 077) != 0) {
        return fail(ErrorCode::registry, "key file " + path + " has mode " +
                                             octal_mode(st.st_mode) +
                                             ": group or others may access it; fix with: chmod "
                                             "600 " +
                                             path);
    }
    auto key = files::read_secret_file(path, crypto::master_key_size);
    if (!key)
        return fail(ErrorCode::registry, key.error().message);
    if (key->size() != crypto::master_key_size) {
        return fail(ErrorCode::registry, "key file " + path + " holds " +
                                             std::to_string(key->size()) +
                                             " bytes; a master key is exactly 32");
    }
    return key;
}

}  // namespace hwtotp::store
