#pragma once
// The registry's master key: 32 random bytes in a file only its owner can read.

#include <string>

#include "hwtotp/totp/error.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::store {

// Reads the key at `path`: a regular file owned by the caller, that group and others may not
// access, of exactly 32 bytes. Opened with O_NOFOLLOW and checked on the descriptor, so the file
// checked is the file read. All errors are ErrorCode::registry naming the file and the fix.
[[nodiscard]] Result<Secret> load_master_key(const std::string& path);

// As load_master_key; when the file is absent, first creates it atomically (written to a
// temporary 0600 file, O_EXCL|O_NOFOLLOW, then linked into place, so two processes racing to
// create it end up with the same key, and a file someone else put there is never taken over).
[[nodiscard]] Result<Secret> create_or_load_master_key(const std::string& path);

// Removes "<path>.tmp.<pid>" files that an hwtotp killed while creating the key left behind
// (empty, or a copy of the key): only regular files in that directory owned by the caller whose
// process no longer exists. Best effort: a file that cannot be removed stays.
void remove_stale_key_temporaries(const std::string& path);

}  // namespace hwtotp::store
