#pragma once
// Child processes that start a piece of work at the same moment: each is forked, gets ready,
// and waits at a common gate (a pipe) that the parent opens for all at once by closing its write
// end. The race tests use it to put many verifiers or importers on one registry at one instant.

#include <sys/types.h>

#include <functional>
#include <vector>

namespace hwtotp::test {

// A child's exit code, 128 + N when signal N ended it, -1 when it cannot be read.
[[nodiscard]] int child_exit_code(pid_t pid);

// Forks `processes` children; child `index` runs `child(index, wait)`, where `wait()` blocks
// until the gate opens (false if it cannot be read), and exits with its result. Returns the
// children's exit codes in index order, once all have ended.
[[nodiscard]] std::vector<int> run_released_together(
    int processes, const std::function<int(int index, const std::function<bool()>& wait)>& child);

}  // namespace hwtotp::test
