// Default locations of the registry database and its master key.

#include "hwtotp/store/paths.h"

#include <cstdlib>

#include "hwtotp/store/hints.h"

namespace hwtotp::store {
namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read once at start
    return value == nullptr ? std::string{} : std::string(value);
}

std::string key_beside(const std::string& db) {
    const auto slash = db.rfind('/');
    const auto dot = db.rfind('.');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash + 1) &&
        db.compare(dot, std::string::npos, ".db") == 0) {
        return db.substr(0, dot) + ".key";
    }
    return db + ".key";
}

// $XDG_DATA_HOME/hwtotp/tokens.db, else $HOME/.local/share/hwtotp/tokens.db, else empty.
std::string default_db() {
    if (const auto xdg = env("XDG_DATA_HOME"); !xdg.empty())
        return xdg + "/hwtotp/tokens.db";
    if (const auto home = env("HOME"); !home.empty())
        return home + "/.local/share/hwtotp/tokens.db";
    return {};
}

}  // namespace

bool is_postgres_uri(std::string_view db) {
    return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

Result<RegistryPaths> resolve_registry_paths(const std::string& explicit_db) {
    RegistryPaths paths;
    paths.db = explicit_db;
    if (paths.db.empty())
        paths.db = env("HWTOTP_DB");
    if (paths.db.empty())
        paths.db = default_db();
    if (paths.db.empty()) {
        return fail(ErrorCode::registry,
                    "no registry location: " + std::string(hint::name_registry) +
                        " or set HWTOTP_DB (HOME is unset)");
    }
    paths.key = env("HWTOTP_KEY_FILE");
    if (paths.key.empty() && !paths.is_postgres())
        paths.key = key_beside(paths.db);
    if (paths.key.empty() && paths.is_postgres()) {
        const std::string local = default_db();
        if (local.empty()) {
            return fail(ErrorCode::registry,
                        "no key file for the PostgreSQL registry: set HWTOTP_KEY_FILE (HOME is "
                        "unset)");
        }
        paths.key = key_beside(local);
    }
    return paths;
}

}  // namespace hwtotp::store
