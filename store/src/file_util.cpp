// POSIX file helpers: private directories and files, whole-file reads.

#include "file_util.h"

#include "file_trust.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace hwtotp::store::files {
namespace {

std::string errno_text(int err) {
    return std::strerror(err);
}

}  // namespace

std::string parent_dir(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

std::optional<std::uint64_t> size_if_present(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return std::nullopt;
    return static_cast<std::uint64_t>(st.st_size);
}

bool readable_by_others(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

Result<void> make_private_dirs(const std::string& dir, ErrorCode code) {
    if (dir.empty() || dir == "." || dir == "/")
        return {};
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return fail(code, dir + " is not a directory");
        return {};
    }
    if (auto ok = make_private_dirs(parent_dir(dir), code); !ok)
        return ok;
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return fail(code, "cannot create directory " + dir + ": " + errno_text(errno));
    return {};
}

Result<std::string> read_text(const std::string& path) {
    const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        const int err = errno;
        return fail(err == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                    "cannot open " + path + ": " + errno_text(err));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) == 0 && S_ISDIR(st.st_mode))
        return fail(ErrorCode::io, path + " is a directory, not a file");
    std::string text;
    if (st.st_size > 0)
        text.reserve(static_cast<std::size_t>(st.st_size));
    std::vector<char> buffer(1 << 16);
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(ErrorCode::io, "cannot read " + path + ": " + errno_text(errno));
        }
        if (n == 0)
            break;
        text.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return text;
}

ReadFile::ReadFile(ReadFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), size_(other.size_) {}

ReadFile::~ReadFile() {
    if (fd_ >= 0)
        ::close(fd_);
}

Result<std::size_t> ReadFile::read(std::span<char> out) {
    for (;;) {
        const ssize_t n = ::read(fd_, out.data(), out.size());
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno != EINTR)
            return fail(ErrorCode::io, "cannot read " + path_ + ": " + errno_text(errno));
    }
}

Result<ReadFile> open_for_reading(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return fail(err == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                    "cannot open " + path + ": " + errno_text(err));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        ::close(fd);
        return fail(ErrorCode::io, path + " is not a readable file");
    }
    return ReadFile(fd, path, static_cast<std::uint64_t>(st.st_size));
}

Result<Secret> read_secret(int fd, const std::string& path, std::size_t max_size) {
    Secret buffer = Secret::zeroed(max_size + 1);
    std::size_t total = 0;
    while (total < buffer.size()) {
        const ssize_t n = ::read(fd, buffer.mutable_bytes().data() + total, buffer.size() - total);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(ErrorCode::io, "cannot read " + path + ": " + errno_text(errno));
        }
        if (n == 0)
            break;
        total += static_cast<std::size_t>(n);
    }
    if (total > max_size)
        return fail(ErrorCode::invalid_input,
                    path + " is larger than " + std::to_string(max_size) + " bytes");
    return Secret(buffer.expose().first(total));
}

Result<Secret> read_secret_file(const std::string& path, std::size_t max_size) {
    const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        const int err = errno;
        return fail(err == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                    "cannot open " + path + ": " + errno_text(err));
    }
    return read_secret(fd.get(), path, max_size);
}

Result<void> sync_directory(const std::string& dir, ErrorCode code) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return fail(code, "cannot open directory " + dir + ": " + std::strerror(errno));
    const bool synced = ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!synced)
        return fail(code, "cannot sync directory " + dir + ": " + std::strerror(err));
    return {};
}

}  // namespace hwtotp::store::files
