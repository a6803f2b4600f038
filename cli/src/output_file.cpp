#include "output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace hwtotp::cli {
namespace {

Error system_error(int err) {
    return Error{ErrorCode::io, std::strerror(err)};
}

// A temporary file removed on scope exit unless it was moved into place.
class TempFile {
  public:
    explicit TempFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (fd_ >= 0)
            ::close(fd_);
        if (!placed_)
            ::unlink(path_.c_str());
    }
    [[nodiscard]] int fd() const { return fd_; }
    [[nodiscard]] const std::string& path() const { return path_; }
    Result<void> close() {
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0)
            return tl::unexpected(system_error(errno));
        return {};
    }
    void placed() { placed_ = true; }

  private:
    std::string path_;
    int fd_;
    bool placed_ = false;
};

Result<void> write_all(int fd, const std::string& content) {
    std::size_t done = 0;
    while (done < content.size()) {
        const auto n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return tl::unexpected(system_error(n < 0 ? errno : EIO));
        done += static_cast<std::size_t>(n);
    }
    return {};
}

}  // namespace

Result<void> write_output_file(const std::string& path, const std::string& content,
                               const OutputFile& how) {
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    const std::string pattern = dir + "/.hwtotp-output-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = ::mkostemp(name.data(), O_CLOEXEC);  // 0600, O_EXCL
    if (fd < 0)
        return tl::unexpected(system_error(errno));
    TempFile temp(name.data(), fd);
    HWTOTP_TRY(write_all(temp.fd(), content));
    if (::fchmod(temp.fd(), how.mode) != 0 || ::fsync(temp.fd()) != 0)
        return tl::unexpected(system_error(errno));
    HWTOTP_TRY(temp.close());
    // RENAME_NOREPLACE: an existing file (or one created meanwhile) is never overwritten.
    const unsigned flags = how.replace ? 0U : RENAME_NOREPLACE;
    if (::renameat2(AT_FDCWD, temp.path().c_str(), AT_FDCWD, path.c_str(), flags) != 0)
        return tl::unexpected(system_error(errno));
    temp.placed();
    return {};
}

}  // namespace hwtotp::cli
