#pragma once
// Helpers for the store tests: a private temporary registry, files, vector paths (the
// temporary directory and the sqlite3 shell come from tests/support).

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hwtotp/store/import.h"
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

// A child's exit code, 128 + N when signal N ended it, -1 when it cannot be read.
[[nodiscard]] int child_exit_code(pid_t pid);

// Forks `processes` children that each open the registry `options` names on their own
// connection, wait at a common gate and then run `body`; its result is the child's exit code
// (4 when the registry does not open). Closing the gate's write end releases them all at once.
// Returns the exit codes.
template <typename Body>
std::vector<int> run_released_together(const Registry::Options& options, int processes, Body body) {
    std::array<int, 2> gate{};
    EXPECT_EQ(::pipe(gate.data()), 0);
    std::vector<pid_t> children;
    for (int i = 0; i < processes; ++i) {
        const pid_t pid = ::fork();
        EXPECT_GE(pid, 0);
        if (pid == 0) {
            ::close(gate[1]);
            int code = 4;
            {
                auto registry = Registry::open(options);
                char go = 0;
                if (registry && ::read(gate[0], &go, 1) >= 0)
                    code = body(*registry);
            }
            ::_exit(code);
        }
        children.push_back(pid);
    }
    ::close(gate[0]);
    ::close(gate[1]);
    std::vector<int> codes;
    for (pid_t pid : children)
        codes.push_back(child_exit_code(pid));
    return codes;
}

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
