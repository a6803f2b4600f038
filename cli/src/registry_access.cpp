#include "registry_access.h"

#include <sys/stat.h>

#include <cerrno>

namespace hwtotp::cli {

Result<store::Registry> open_registry(const Context& ctx, RegistryAccess access) {
    return open_registry_at(ctx.db_path, access);
}

Result<store::Registry> open_registry_at(const std::string& db, RegistryAccess access) {
    HWTOTP_ASSIGN_OR_RETURN(auto paths, store::resolve_registry_paths(db));
    // The library refuses this too; here the message can say which command makes a registry.
    struct stat st {};
    if (access != RegistryAccess::create && !paths.is_postgres() &&
        ::lstat(paths.db.c_str(), &st) != 0 && errno == ENOENT) {
        return fail(ErrorCode::registry,
                    "no registry at " + paths.db +
                        " (import tokens first with: hwtotp import FILE, or point --db or "
                        "HWTOTP_DB at an existing registry)");
    }
    store::Registry::Options options{paths, 5000, access};
    options.warm_crypto_while_opening = true;  // hwtotp is our own process (registry.h)
    return store::Registry::open(options);
}

}  // namespace hwtotp::cli
