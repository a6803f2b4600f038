#include "other_user.h"

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace hwtotp::test {

bool can_switch_user() {
    return ::geteuid() == 0;
}

std::string cannot_switch_user_reason() {
    return "needs root to act as a second user (chown to uid " + std::to_string(nobody_uid) +
           ", run hwtotp under it); CI runs this suite as root";
}

void give_to(const std::string& path, uid_t uid) {
    if (::lchown(path.c_str(), uid, static_cast<gid_t>(uid)) != 0)
        throw std::runtime_error("chown " + path + ": " + std::strerror(errno));
}

CliResult run_cli_as(uid_t uid, const std::vector<std::string>& args, const CliOptions& options) {
    const std::string id = std::to_string(uid);
    std::vector<std::string> wrapped{"--reuid=" + id, "--regid=" + id, "--clear-groups",
                                     hwtotp_binary()};
    wrapped.insert(wrapped.end(), args.begin(), args.end());
    CliOptions as_user = options;
    as_user.binary = "/usr/bin/setpriv";
    return run_cli(wrapped, as_user);
}

int run_as(uid_t uid, const std::function<int()>& body) {
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        const auto gid = static_cast<gid_t>(uid);
        if (::setgroups(0, nullptr) != 0 || ::setresgid(gid, gid, gid) != 0 ||
            ::setresuid(uid, uid, uid) != 0)
            ::_exit(125);
        ::_exit(body());
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace hwtotp::test
