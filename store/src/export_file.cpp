// The files an export writes seeds into: a temporary file beside the final name, renamed into
// place only when complete.

#include "export_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "crypto.h"
#include "file_util.h"
#include "hwtotp/store/export.h"
#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::store {
namespace {

constexpr std::size_t buffer_size = 1 << 16;
// Every this many bytes written, the kernel is asked to start writing them to the disk, so that
// the fsync before the rename waits for the last stretch only, not the whole file (10 ms of a
// 10,000-key PSKC export's 60 on the machine in docs/performance.md).
constexpr std::uint64_t writeback_stretch = 1 << 20;

std::string errno_text(int err) {
    return std::strerror(err);
}

// Refuses a `path` that cannot be the output: anything but an absent name or a regular file
// that may be replaced.
Result<void> check_final_name(const std::string& path, bool replace) {
    if (path.empty())
        return fail(ErrorCode::invalid_input, "no output file named");
    if (path == "-") {
        return fail(ErrorCode::invalid_input,
                    "seeds are not written to standard output (name a new file)");
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return {};
        return fail(ErrorCode::io, "cannot look at " + path + ": " + errno_text(errno));
    }
    if (S_ISLNK(st.st_mode))
        return fail(ErrorCode::invalid_input,
                    path + " is a symbolic link, which is never followed (name a new file)");
    if (S_ISCHR(st.st_mode)) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        const bool terminal = fd >= 0 && ::isatty(fd) == 1;
        if (fd >= 0)
            ::close(fd);
        if (terminal)
            return fail(ErrorCode::invalid_input,
                        path + " is a terminal: seeds are never written to one (name a new file)");
    }
    if (!S_ISREG(st.st_mode)) {
        return fail(ErrorCode::invalid_input,
                    path + " is not a regular file (a device, pipe or directory): seeds are " +
                        "written only to a regular file");
    }
    if (!replace) {
        return fail(ErrorCode::invalid_input, path + " already exists (nothing was written; " +
                                                  std::string(replace_output_hint) + ")");
    }
    return {};
}

// "<dir>/.<name>.<16 random hex digits>.tmp": created O_EXCL, so never someone else's file.
Result<std::string> temporary_name(const std::string& path) {
    std::array<std::uint8_t, 8> random{};
    HWTOTP_TRY(crypto::random_bytes(random));
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    return dir + "." + name + "." + hex_encode(random) + ".tmp";
}

}  // namespace

ExportFile::ExportFile(std::string path, std::string temp, int fd, bool replace)
    : path_(std::move(path)), temp_(std::move(temp)), fd_(fd), replace_(replace) {
    buffer_.reserve(buffer_size);
}

ExportFile::ExportFile(ExportFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      fd_(std::exchange(other.fd_, -1)),
      replace_(other.replace_),
      committed_(std::exchange(other.committed_, true)),
      buffer_(std::move(other.buffer_)),
      written_(other.written_),
      writeback_from_(other.writeback_from_) {}

ExportFile::~ExportFile() {
    wipe_memory(buffer_.data(), buffer_.size());
    if (fd_ >= 0)
        ::close(fd_);
    if (!committed_)
        ::unlink(temp_.c_str());
}

Result<ExportFile> ExportFile::create(const std::string& path, bool replace) {
    HWTOTP_TRY(check_final_name(path, replace));
    HWTOTP_ASSIGN_OR_RETURN(std::string temp, temporary_name(path));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return fail(ErrorCode::io, "cannot create a file in " + files::parent_dir(path) + ": " +
                                       errno_text(errno));
    }
    return ExportFile(path, std::move(temp), fd, replace);
}

Result<void> ExportFile::write(std::string_view text) {
    while (!text.empty()) {
        const std::size_t room = buffer_size - buffer_.size();
        const std::size_t n = std::min(room, text.size());
        buffer_.insert(buffer_.end(), text.begin(), text.begin() + static_cast<std::ptrdiff_t>(n));
        text.remove_prefix(n);
        if (buffer_.size() == buffer_size)
            HWTOTP_TRY(flush());
    }
    return {};
}

Result<void> ExportFile::write(std::span<const std::uint8_t> bytes) {
    return write(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Result<void> ExportFile::flush() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
        const auto n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            wipe_memory(buffer_.data(), buffer_.size());
            buffer_.clear();
            return fail(ErrorCode::io, "cannot write " + path_ + ": " + errno_text(err));
        }
        done += static_cast<std::size_t>(n);
    }
    written_ += done;
    wipe_memory(buffer_.data(), buffer_.size());
    buffer_.clear();
    if (written_ - writeback_from_ >= writeback_stretch)
        start_writeback();
    return {};
}

// A hint, not a promise: the fsync in commit() is what makes the file durable, and reports any
// error the writeback met. So a failure here is not one.
void ExportFile::start_writeback() {
    (void)::sync_file_range(fd_, static_cast<off_t>(writeback_from_),
                            static_cast<off_t>(written_ - writeback_from_), SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written_;
}

Result<void> ExportFile::commit() {
    HWTOTP_TRY(flush());
    if (::fsync(fd_) != 0)
        return fail(ErrorCode::io, "cannot write " + path_ + ": " + errno_text(errno));
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0)
        return fail(ErrorCode::io, "cannot write " + path_ + ": " + errno_text(errno));
    // rename() replaces a symbolic link itself, never its target; check_final_name refused one
    // already, and NOREPLACE refuses any file that appeared since.
    const unsigned flags = replace_ ? 0U : RENAME_NOREPLACE;
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, path_.c_str(), flags) != 0) {
        const int err = errno;
        if (err == EEXIST)
            return fail(ErrorCode::invalid_input, path_ + " already exists (nothing was written; " +
                                                      std::string(replace_output_hint) + ")");
        return fail(ErrorCode::io, "cannot create " + path_ + ": " + errno_text(err));
    }
    committed_ = true;
    return files::sync_directory(files::parent_dir(path_), ErrorCode::io);
}

void ExportFile::remove_committed() {
    if (committed_)
        ::unlink(path_.c_str());
}

Result<void> check_private_directory(const std::string& dir) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) {
        return fail(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                    "cannot use directory " + dir + ": " + errno_text(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return fail(ErrorCode::invalid_input, dir + " is not a directory");
    if (st.st_uid != ::geteuid())
        return fail(ErrorCode::invalid_input,
                    "directory " + dir + " belongs to another user (use a directory of yours)");
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return fail(ErrorCode::invalid_input,
                    "directory " + dir +
                        " is writable by group or others (use one only you may write: chmod "
                        "go-w)");
    }
    return {};
}

}  // namespace hwtotp::store
