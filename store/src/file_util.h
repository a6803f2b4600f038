#pragma once
// Small POSIX file helpers for the registry: private directories and files, whole-file reads.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "hwtotp/totp/error.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::store::files {

// Creates `dir` and missing parents with mode 0700 (existing ones are left alone).
[[nodiscard]] Result<void> make_private_dirs(const std::string& dir, ErrorCode code);
// The directory part of a path ("." when there is none).
[[nodiscard]] std::string parent_dir(const std::string& path);
[[nodiscard]] bool exists(const std::string& path);
// The size of the file at `path` (not following a final symbolic link); none when absent.
[[nodiscard]] std::optional<std::uint64_t> size_if_present(const std::string& path);
// Makes a new name in `dir` durable (fsync of the directory): after a power cut, a file that was
// created, linked or renamed there is still found. Errors name the directory.
[[nodiscard]] Result<void> sync_directory(const std::string& dir, ErrorCode code);
// The whole file (errors: not_found, io; message names the path).
[[nodiscard]] Result<std::string> read_text(const std::string& path);
// A file opened for sequential reading (RAII over the descriptor).
class ReadFile {
  public:
    explicit ReadFile(int fd, std::string path, std::uint64_t size)
        : fd_(fd), path_(std::move(path)), size_(size) {}
    ReadFile(ReadFile&& other) noexcept;
    ReadFile& operator=(ReadFile&&) = delete;
    ReadFile(const ReadFile&) = delete;
    ReadFile& operator=(const ReadFile&) = delete;
    ~ReadFile();
    [[nodiscard]] std::uint64_t size() const { return size_; }
    // Up to out.size() bytes; 0 at the end. Errors name the path.
    [[nodiscard]] Result<std::size_t> read(std::span<char> out);

  private:
    int fd_;
    std::string path_;
    std::uint64_t size_;
};

// Opens a regular file for reading (errors: not_found, io).
[[nodiscard]] Result<ReadFile> open_for_reading(const std::string& path);

// True when the file exists and its group or others may read it (for a warning: a file that
// holds a key should be 0600).
[[nodiscard]] bool readable_by_others(const std::string& path);

// Reads a small file holding secret material straight into a Secret (at most max_size bytes).
[[nodiscard]] Result<Secret> read_secret_file(const std::string& path, std::size_t max_size);
// The same from an open descriptor (read to its end); `path` names it in errors.
[[nodiscard]] Result<Secret> read_secret(int fd, const std::string& path, std::size_t max_size);

}  // namespace hwtotp::store::files
