// Loads libpq by its soname (HWTOTP_LIBPQ_SONAME, found by CMake from the libpq it found), with
// the same search as a linked library, and binds every function the adapter calls at once: a
// missing one is an error here rather than a crash at the first statement.

#include "libpq.h"

#include <dlfcn.h>

#include <string>

namespace hwtotp::store::pg {
namespace {

struct Loaded {
    LibPq functions;
    std::string problem;  // empty when loaded
};

Loaded load() {
    Loaded loaded;
    // RTLD_NODELETE: never unloaded, even from a PAM module that is (see libpq.h).
    void* handle = dlopen(HWTOTP_LIBPQ_SONAME, RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE);
    if (handle == nullptr) {
        loaded.problem = "the PostgreSQL client library " HWTOTP_LIBPQ_SONAME
                         " cannot be loaded (install it; Debian: libpq5)";
        return loaded;
    }
    const auto bind = [&](auto& function, const char* name) {
        function =
            reinterpret_cast<std::remove_reference_t<decltype(function)>>(dlsym(handle, name));
        if (function == nullptr && loaded.problem.empty()) {
            loaded.problem = "the PostgreSQL client library " HWTOTP_LIBPQ_SONAME " lacks " +
                             std::string(name) + " (too old a version)";
        }
    };
#define HWTOTP_LIBPQ_BIND(name) bind(loaded.functions.name, #name);
    HWTOTP_LIBPQ_FUNCTIONS(HWTOTP_LIBPQ_BIND)
#undef HWTOTP_LIBPQ_BIND
    return loaded;
}

const Loaded& loaded() {
    static const Loaded once = load();  // thread-safe initialisation (C++11 magic static)
    return once;
}

}  // namespace

Result<const LibPq*> load_libpq() {
    const Loaded& l = loaded();
    if (!l.problem.empty())
        return fail(ErrorCode::registry, l.problem);
    return &l.functions;
}

const LibPq& libpq() {
    return loaded().functions;
}

}  // namespace hwtotp::store::pg
