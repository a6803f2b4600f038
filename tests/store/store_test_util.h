#pragma once
// Helpers for the store tests: a private temporary registry, files, vector paths (the
// temporary directory and the sqlite3 shell come from tests/support).

#include <cstdint>
#include <string>

#include "hwtotp/store/registry.h"
#include "hwtotp/totp/secret.h"
#include "run_cli.h"

namespace hwtotp::store::test {

using hwtotp::test::sqlite_shell;
using hwtotp::test::TempDir;

// db = <dir>/tokens.db, key = <dir>/tokens.key.
[[nodiscard]] RegistryPaths paths_in(const TempDir& dir);
// Opens the registry; fails the test (ASSERT) on error.
[[nodiscard]] Registry open_registry(const TempDir& dir);
// Opens the registry at `paths` (either backend); throws on error.
[[nodiscard]] Registry open_registry(const RegistryPaths& paths);

void write_file(const std::string& path, const std::string& content);
[[nodiscard]] std::string read_file(const std::string& path);
// Permission bits of a file (st_mode & 0777).
[[nodiscard]] unsigned file_mode(const std::string& path);

// vectors/pskc/<name>.
[[nodiscard]] std::string pskc_vector(const std::string& name);
// vectors/vendor/<name>.
[[nodiscard]] std::string vendor_vector(const std::string& name);

[[nodiscard]] Secret secret_from_hex(const std::string& hex);
[[nodiscard]] std::string hex_of(const Secret& secret);
[[nodiscard]] NewToken make_token(const std::string& serial, const std::string& seed_hex);

// Rewrites a token's sealed seed as schema versions 1 and 2 sealed it (associated data "hwtotp
// seed v1:" and the serial, spelt out here rather than taken from the library, under the key in
// <dir>/tokens.key), drops schema 4's owner column, and sets the schema version to 2. ASSERTs.
void seal_as_schema_two(const TempDir& dir, const std::string& serial, const std::string& seed_hex);

}  // namespace hwtotp::store::test
