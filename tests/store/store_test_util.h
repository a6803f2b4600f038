#pragma once
// Helpers for the store tests: a private temporary registry, files, vector paths (the
// temporary directory and the sqlite3 shell come from tests/support).

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hwtotp/store/import.h"
#include "hwtotp/store/registry.h"
#include "hwtotp/store/verify.h"
#include "hwtotp/totp/secret.h"
#include "released_together.h"
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

using hwtotp::test::child_exit_code;

// Forks `processes` children that each open the registry `options` names on their own
// connection, wait at a common gate and then run `body`; its result is the child's exit code
// (4 when the registry does not open). Returns the exit codes.
template <typename Body>
std::vector<int> run_released_together(const Registry::Options& options, int processes, Body body) {
    return hwtotp::test::run_released_together(processes,
                                               [&](int, const std::function<bool()>& wait) {
                                                   auto registry = Registry::open(options);
                                                   return registry && wait() ? body(*registry) : 4;
                                               });
}

// The crash tests' children, for either backend.
// Imports `csv` into the registry at `paths` and SIGKILLs itself at its fourth progress report:
// half-way, with rows written in the open transaction. Returns its pid.
[[nodiscard]] pid_t fork_import_killed_halfway(const RegistryPaths& paths, const std::string& csv,
                                               std::int64_t now);
// Verifies `serial` with `code_at(first_step + i)` at `first_time + 30 i`, i = 0, 1, ...,
// writing one byte to `progress` per accepted code; exits 4 at the first registry error, 1 at
// any other outcome, 2 when it cannot report. Returns its pid.
[[nodiscard]] pid_t fork_verifier(const RegistryPaths& paths, const std::string& serial,
                                  const std::function<Code(std::uint64_t)>& code_at,
                                  std::uint64_t first_step, std::int64_t first_time, int progress);

void write_file(const std::string& path, const std::string& content);
[[nodiscard]] std::string read_file(const std::string& path);
// Permission bits of a file (st_mode & 0777).
[[nodiscard]] unsigned file_mode(const std::string& path);

// vectors/pskc/<name>.
[[nodiscard]] std::string pskc_vector(const std::string& name);
// vectors/vendor/<name>.
[[nodiscard]] std::string vendor_vector(const std::string& name);

[[nodiscard]] Secret secret_from_hex(const std::string& hex);

// The tokens of a PSKC file read with the store's reader under the pre-shared key `key_hex`, in
// the file's order.
[[nodiscard]] Result<std::vector<NewToken>> read_pskc_tokens(const std::string& path,
                                                             const std::string& key_hex);
[[nodiscard]] std::string hex_of(const Secret& secret);
[[nodiscard]] NewToken make_token(const std::string& serial, const std::string& seed_hex);

// Rewrites a token's sealed seed as schema versions 1 and 2 sealed it (associated data "hwtotp
// seed v1:" and the serial, spelt out here rather than taken from the library, under the key in
// <dir>/tokens.key), drops schema 4's owner column, and sets the schema version to 2. ASSERTs.
void seal_as_schema_two(const TempDir& dir, const std::string& serial, const std::string& seed_hex);

}  // namespace hwtotp::store::test
