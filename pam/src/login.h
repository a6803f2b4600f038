#pragma once
// One login attempt against the token registry, without PAM: which token the user owns, and
// what the registry verifier says of the code. pam_hwtotp.cpp wraps this in the PAM protocol.
//
// Everything here is per call (a Registry opened and closed each time, no statics), so sshd,
// sudo or a display manager may authenticate several users on several threads at once.

#include <cstdint>
#include <optional>
#include <string>

#include "hwtotp/store/registry.h"
#include "hwtotp/totp/code.h"
#include "module_args.h"

namespace hwtotp::pam {

enum class LoginOutcome {
    accepted,     // the code verified and its step was recorded (observed_by "login")
    rejected,     // a wrong code (counted as a failure) or a malformed answer
    replay,       // a code already used (not counted)
    throttled,    // too many recent failures: refused without looking at the code
    locked,       // locked after too many failures, until `hwtotp tokens unlock`
    no_token,     // the user owns no token
    unavailable,  // the registry could not be opened, read or written, or failed its checks
};

// The user's token, looked up before the code is asked for (so that the module knows whether
// to ask), or the reason there is none.
struct UserToken {
    std::optional<store::Registry> registry;  // open when `serial` is set
    std::string serial;
    LoginOutcome status = LoginOutcome::unavailable;  // no_token or unavailable when no serial
    std::string detail;                               // for the log: never a code or a seed
};

[[nodiscard]] UserToken find_user_token(const ModuleArgs& args, const std::string& user);

struct LoginResult {
    LoginOutcome outcome = LoginOutcome::unavailable;
    std::int64_t retry_in = 0;  // throttled: seconds until a code is looked at again
    std::string detail;         // for the log: never a code or a seed
};

// Verifies `answer` (the user's typed code; a non-code answer is rejected) at `now`.
[[nodiscard]] LoginResult verify_login(UserToken& token, const ModuleArgs& args,
                                       std::string_view answer, std::int64_t now);

}  // namespace hwtotp::pam
