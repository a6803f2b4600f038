#pragma once
// Tests of what another local user can and cannot do to hwtotp's files. CI runs the suites as
// root, which may act as any user: files are given to another uid with chown, and hwtotp (or a
// piece of test code) runs under an unprivileged uid. A test that needs this calls
// `if (!can_switch_user()) GTEST_SKIP() << ...;` so that a run as an ordinary user says why.

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "run_cli.h"

namespace hwtotp::test {

// Debian's "nobody" (uid and gid 65534): the unprivileged user that runs hwtotp.
inline constexpr uid_t nobody_uid = 65534;
// Another unprivileged uid, for files planted by "someone else" when nobody is the victim.
inline constexpr uid_t stranger_uid = 4242;

// Whether this process may give files away and run code as another uid (it runs as root).
[[nodiscard]] bool can_switch_user();

// The message of the GTEST_SKIP when it may not.
[[nodiscard]] std::string cannot_switch_user_reason();

// chown (not following a final symbolic link) to uid, with gid = uid. Throws on failure.
void give_to(const std::string& path, uid_t uid);

// run_cli with hwtotp running as uid (gid = uid, no supplementary groups) through setpriv(1).
CliResult run_cli_as(uid_t uid, const std::vector<std::string>& args,
                     const CliOptions& options = {});

// Runs `body` in a forked child whose real, effective and saved uid and gid are `uid`, without
// supplementary groups: its return value is the child's exit status (128 + signal if killed).
// The child must not use GoogleTest assertions; it reports through the status.
int run_as(uid_t uid, const std::function<int()>& body);

}  // namespace hwtotp::test
