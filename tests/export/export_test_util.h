#pragma once
// Shared by the export suites: a source registry of tokens with every field a format may carry,
// and ways to read a registry back (token fields as JSON, seeds) through the real binary.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_cli.h"

namespace hwtotp::test {

// RFC 4226/6238 seeds (tests/test_seeds.txt lists them for the leak check).
inline constexpr const char* seed_sha1 = "3132333435363738393031323334353637383930";
inline constexpr const char* seed_sha256 =
    "3132333435363738393031323334353637383930313233343536373839303132";
inline constexpr const char* seed_sha512 =
    "31323334353637383930313233343536373839303132333435363738393031323334353637383930313233343536"
    "373839303132333435363738393031323334";

// A plain PSKC file of four tokens:
//   GAKT00000001 TOTP SHA-1 6 digits 30 s, drift +2 steps, owner alice, label, issuer with '&',
//                manufacturer
//   GAKT00000002 TOTP SHA-256 8 digits 60 s, owner bob
//   HOTP00000003 HOTP SHA-1 6 digits, next counter 42
//   SHA5T0000004 TOTP SHA-512 7 digits 30 s, T0 1000
[[nodiscard]] std::string source_pskc();

class ExportRegistries {
  public:
    // hwtotp with HWTOTP_DB=<dir>/<name>/tokens.db.
    [[nodiscard]] CliResult hw(const std::string& name, const std::vector<std::string>& args,
                               const std::string& stdin_text = "") const;
    // Imports `file` (extra arguments after it) into registry `name`; fails the test on error.
    void import(const std::string& name, const std::string& file,
                const std::vector<std::string>& extra = {}) const;
    // serial -> `tokens list --json` entry.
    [[nodiscard]] std::map<std::string, nlohmann::json> tokens(const std::string& name) const;
    // The token's seed as its otpauth secret (base32), read with tokens show --reveal-seed
    // (not logged: the leak check must not see it).
    [[nodiscard]] std::string seed(const std::string& name, const std::string& serial) const;
    [[nodiscard]] std::string file(const std::string& name) const { return dir.file(name); }

    TempDir dir;
};

}  // namespace hwtotp::test
