#include "registry_access.h"

namespace hwtotp::cli {

Result<store::Registry> open_registry(const Context& ctx) {
    auto paths = store::resolve_registry_paths(ctx.db_path);
    if (!paths)
        return tl::unexpected(paths.error());
    return store::Registry::open(store::Registry::Options{*paths, 5000});
}

}  // namespace hwtotp::cli
