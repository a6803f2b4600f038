#pragma once
// The files an export writes seeds into: a new file, or nothing.
//
// The content goes into a temporary file created beside the final name (O_CREAT|O_EXCL|
// O_NOFOLLOW, 0600), which commit() syncs and renames into place: a reader never sees half a
// file, and an error or a crash midway leaves no file with the final name (the destructor
// removes the temporary). Without `replace` the rename refuses an existing name, even one
// created meanwhile (RENAME_NOREPLACE). The final name must be absent or a regular file: a
// symbolic link is never followed nor replaced, and a terminal, pipe or device is refused, so
// seeds never reach a screen. Writes are buffered; the buffer is wiped after each flush.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/totp/error.h"

namespace hwtotp::store {

class ExportFile {
  public:
    // Errors: invalid_input (an existing file without replace, a link, a terminal or other
    // non-regular file), io (the directory cannot be written). They name the path.
    [[nodiscard]] static Result<ExportFile> create(const std::string& path, bool replace);

    ExportFile(ExportFile&& other) noexcept;
    ExportFile& operator=(ExportFile&&) = delete;
    ExportFile(const ExportFile&) = delete;
    ExportFile& operator=(const ExportFile&) = delete;
    ~ExportFile();

    [[nodiscard]] Result<void> write(std::string_view text);
    [[nodiscard]] Result<void> write(std::span<const std::uint8_t> bytes);
    // Flushes, syncs, closes and renames the file into place.
    [[nodiscard]] Result<void> commit();
    // Removes a committed file again (a later file of the same export failed).
    void remove_committed();

    [[nodiscard]] const std::string& path() const { return path_; }

  private:
    ExportFile(std::string path, std::string temp, int fd, bool replace);
    [[nodiscard]] Result<void> flush();
    void start_writeback();

    std::string path_;
    std::string temp_;
    int fd_ = -1;
    bool replace_ = false;
    bool committed_ = false;
    std::vector<char> buffer_;
    std::uint64_t written_ = 0;         // bytes handed to the kernel so far
    std::uint64_t writeback_from_ = 0;  // where the next early writeback starts
};

// A directory for the QR code files: it exists, belongs to the caller and no one else may
// write it. Errors (invalid_input, not_found) name it and say what is wrong.
[[nodiscard]] Result<void> check_private_directory(const std::string& dir);

}  // namespace hwtotp::store
