#pragma once
// New token seeds from OpenSSL's CSPRNG.

#include <cstddef>

#include "hwtotp/totp/error.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::device {

// `size` (1..1024) fresh random bytes from RAND_bytes. Fails (ErrorCode::crypto) when the RNG
// cannot be seeded.
[[nodiscard]] Result<Secret> random_seed(std::size_t size);

}  // namespace hwtotp::device
