#pragma once
// Helpers for the store tests: a private temporary registry, the sqlite3 shell, vector paths.

#include <cstdint>
#include <string>

#include "hwtotp/store/registry.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::store::test {

// A fresh directory under $TMPDIR (mkdtemp), removed with its contents when the object dies.
class TempDir {
  public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

// db = <dir>/tokens.db, key = <dir>/tokens.key.
[[nodiscard]] RegistryPaths paths_in(const TempDir& dir);
// Opens the registry; fails the test (ASSERT) on error.
[[nodiscard]] Registry open_registry(const TempDir& dir);

// Runs the sqlite3 shell on `db` with `sql`; returns its stdout (trimmed).
std::string sqlite_shell(const std::string& db, const std::string& sql);

void write_file(const std::string& path, const std::string& content);
[[nodiscard]] std::string read_file(const std::string& path);
// Permission bits of a file (st_mode & 0777).
[[nodiscard]] unsigned file_mode(const std::string& path);

// vectors/pskc/<name>.
[[nodiscard]] std::string pskc_vector(const std::string& name);

[[nodiscard]] Secret secret_from_hex(const std::string& hex);
[[nodiscard]] std::string hex_of(const Secret& secret);
[[nodiscard]] NewToken make_token(const std::string& serial, const std::string& seed_hex);

}  // namespace hwtotp::store::test
