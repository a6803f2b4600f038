#pragma once
// Small POSIX file helpers for the registry: private directories and files, whole-file reads.

#include <string>

#include "hwtotp/totp/error.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::store::files {

// Creates `dir` and missing parents with mode 0700 (existing ones are left alone).
[[nodiscard]] Result<void> make_private_dirs(const std::string& dir, ErrorCode code);
// The directory part of a path ("." when there is none).
[[nodiscard]] std::string parent_dir(const std::string& path);
[[nodiscard]] bool exists(const std::string& path);
// Creates an empty file with mode 0600 if it does not exist (O_CREAT|O_EXCL, no chmod after).
[[nodiscard]] Result<void> create_private_file(const std::string& path, ErrorCode code);
// The whole file (errors: not_found, io; message names the path).
[[nodiscard]] Result<std::string> read_text(const std::string& path);
// Reads a small file holding secret material straight into a Secret (at most max_size bytes).
[[nodiscard]] Result<Secret> read_secret_file(const std::string& path, std::size_t max_size);

}  // namespace hwtotp::store::files
