#pragma once
// Reading a PSKC pre-shared key or password for import and export: --key-file PATH and
// --password-file PATH, "-" meaning stdin.

#include <string>

#include "context.h"
#include "hwtotp/totp/error.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::cli {

// The key (hex, one trailing newline allowed) from `path`; errors begin with `option`.
[[nodiscard]] Result<Secret> read_pskc_key_file(const std::string& option, const std::string& path,
                                                Context& ctx);
// The password (less one trailing newline) from `path`; errors begin with `option`.
[[nodiscard]] Result<Secret> read_pskc_password_file(const std::string& option,
                                                     const std::string& path, Context& ctx);

}  // namespace hwtotp::cli
