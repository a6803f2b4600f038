// --token SERIAL without a registry: this build has no registry support yet. The registry
// library replaces this file with one that loads the token from the database.
#include "key_options.h"

namespace hwtotp::cli {

Result<ResolvedKey> load_token_key(const std::string& serial, Context&) {
    return fail(ErrorCode::registry,
                "--token " + serial + ": the token registry is not available in this build");
}

}  // namespace hwtotp::cli

#include "registry_hooks.h"

namespace hwtotp::cli {

Result<int> verify_against_registry(const TokenVerifyRequest& request, Context&) {
    return fail(ErrorCode::registry, "--token " + request.serial +
                                         ": the token registry is not available in this build");
}

}  // namespace hwtotp::cli
