#pragma once
// Files the CLI writes for the user (an SVG plot, an export): written whole or not at all.

#include <string>

#include "hwtotp/totp/error.h"

namespace hwtotp::cli {

struct OutputFile {
    unsigned mode = 0644;  // permission bits of a new file
    // Replace an existing file; otherwise an existing one is an error (nothing is written).
    bool replace = true;
};

// Writes `content` to `path`: into a new temporary file beside it, then renamed into place, so a
// reader never sees half a file and a failure leaves the old one. Errors (io) carry the
// system's reason, not the path: the caller names the option it came from.
[[nodiscard]] Result<void> write_output_file(const std::string& path, const std::string& content,
                                             const OutputFile& how = {});

}  // namespace hwtotp::cli
