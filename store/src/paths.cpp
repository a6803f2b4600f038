// Default locations of the registry database and its master key.

#include "hwtotp/store/paths.h"

#include <cstdlib>

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

}  // namespace

Result<RegistryPaths> resolve_registry_paths(const std::string& explicit_db) {
    RegistryPaths paths;
    paths.db = explicit_db;
    if (paths.db.empty())
        paths.db = env("HWTOTP_DB");
    if (paths.db.empty()) {
        if (const auto xdg = env("XDG_DATA_HOME"); !xdg.empty()) {
            paths.db = xdg + "/hwtotp/tokens.db";
        } else if (const auto home = env("HOME"); !home.empty()) {
            paths.db = home + "/.local/share/hwtotp/tokens.db";
        } else {
            return fail(ErrorCode::registry,
                        "no registry location: pass --db PATH or set HWTOTP_DB (HOME is unset)");
        }
    }
    paths.key = env("HWTOTP_KEY_FILE");
    if (paths.key.empty())
        paths.key = key_beside(paths.db);
    return paths;
}

}  // namespace hwtotp::store
