#pragma once
// The arguments of pam_hwtotp.so as written in a PAM service file, e.g.
//   auth required pam_hwtotp.so db=/var/lib/hwtotp/tokens.db key=/etc/hwtotp/tokens.key
// or, for a registry shared by many hosts, db=postgresql:///hwtotp?host=/run/postgresql.
//
// Parsing is pure (no PAM handle, no environment) so that it is tested on its own; the module
// fails closed on any argument it does not know: a typo such as "nulok" must not silently
// change who may log in.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"

namespace hwtotp::pam {

// Where the module looks when the service file names no files: root-owned system locations,
// never anything derived from the environment (sshd and pamtester run modules with an empty one).
inline constexpr std::string_view default_db_path = "/var/lib/hwtotp/tokens.db";
inline constexpr std::string_view default_key_path = "/etc/hwtotp/tokens.key";
inline constexpr std::string_view default_prompt = "Token code: ";

// How the code is obtained (pam_unix's names).
enum class FirstPass {
    ask,        // always ask through the conversation
    try_first,  // use PAM_AUTHTOK when a module before us set it, else ask
    use_first,  // use PAM_AUTHTOK only; fail when there is none
};

struct ModuleArgs {
    std::string db{default_db_path};
    std::string key{default_key_path};
    // Steps each way for a steady verify; 0 = the registry verifier's default.
    std::uint64_t window = 0;
    std::string prompt{default_prompt};
    FirstPass first_pass = FirstPass::ask;
    bool nullok = false;  // a user without a token passes
    bool debug = false;   // log each decision (never a code or a seed)
};

// Parses the module's argv. Errors name the argument and what is accepted.
[[nodiscard]] Result<ModuleArgs> parse_module_args(std::span<const char* const> args);

}  // namespace hwtotp::pam
