#pragma once
// The registry's master key: 32 random bytes in a file only its owner can read.

#include <string>

#include "hwtotp/totp/error.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::store {

// Reads the key at `path`. When the file is absent and `may_create` is true, creates it
// atomically (written to a temporary 0600 file, then linked into place, so two processes racing
// to create it end up with the same key). Refuses a key file that group or others may access
// ("chmod 600 PATH"), one that is not exactly 32 bytes, and a missing one when !may_create.
// All errors are ErrorCode::registry.
[[nodiscard]] Result<Secret> load_or_create_master_key(const std::string& path, bool may_create);

}  // namespace hwtotp::store
