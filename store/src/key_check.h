#pragma once
// The master key of a registry, proven to be the right one by the key check value: a constant
// sealed under the key when the registry got it, stored in the meta table. It tells a wrong or
// missing key file apart from a tampered token row.

#include <cstdint>
#include <optional>
#include <vector>

#include "backend.h"
#include "crypto.h"
#include "hwtotp/store/paths.h"
#include "hwtotp/store/registry.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::store {

// The box that opens this registry's seeds, or none when the registry has no key check and
// holds no token (nothing is sealed; read and write access then need no key).
// - With a key check: the key file is loaded and must open it.
// - Without one: a registry holding tokens is a registry error, whatever the access: their seeds
//   were sealed under some key, and a new key would silently make them unreadable. An empty one
//   gets its key (created when absent) and key check with create access only.
// With create or write access, first removes key temporaries left by a killed hwtotp.
[[nodiscard]] Result<std::optional<crypto::SeedBox>> unlock_seeds(RegistryBackend& backend,
                                                                  const RegistryPaths& paths,
                                                                  Registry::Access access);

// Whether `box` holds the key that sealed the key check `value` (of any registry).
[[nodiscard]] bool key_opens_check(const std::vector<std::uint8_t>& value, crypto::SeedBox& box);

}  // namespace hwtotp::store
