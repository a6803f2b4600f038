#include "released_together.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>

#include <gtest/gtest.h>

namespace hwtotp::test {

int child_exit_code(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid)
        return -1;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<int> run_released_together(
    int processes, const std::function<int(int index, const std::function<bool()>& wait)>& child) {
    std::array<int, 2> gate{};
    EXPECT_EQ(::pipe(gate.data()), 0);
    std::vector<pid_t> children;
    for (int i = 0; i < processes; ++i) {
        const pid_t pid = ::fork();
        EXPECT_GE(pid, 0);
        if (pid == 0) {
            ::close(gate[1]);
            const std::function<bool()> wait = [&] {
                char go = 0;
                return ::read(gate[0], &go, 1) >= 0;  // 0: end of file, the gate is open
            };
            ::_exit(child(i, wait));
        }
        children.push_back(pid);
    }
    ::close(gate[0]);
    ::close(gate[1]);  // every child's read() returns at once
    std::vector<int> codes;
    for (pid_t pid : children)
        codes.push_back(child_exit_code(pid));
    return codes;
}

}  // namespace hwtotp::test
