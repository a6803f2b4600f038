// hwtotp: main() wires the real world (streams, clock, terminal checks) into run().
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "app.h"
#include "hwtotp/totp/secret.h"

int main(int argc, char** argv) {
    // Seeds pass through this process's memory: keep them out of core dumps and ptrace by
    // other users' processes. Best effort; failure changes nothing else.
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    // Seeds and prepared keys then live in mlock'd, guard-paged memory where the system permits
    // (64 KiB holds hundreds of them; beyond that they fall back to the wiped normal heap).
    (void)hwtotp::init_secure_heap(64 * 1024);

    hwtotp::cli::Context ctx{
        .out = std::cout,
        .err = std::cerr,
        .in = std::cin,
        .now =
            [] {
                return std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                    .count();
            },
        .stdin_is_terminal = isatty(STDIN_FILENO) == 1,
        .stderr_is_terminal = isatty(STDERR_FILENO) == 1,
        .json = false,
        .db_path = {},
        .exit_code = hwtotp::cli::exit_ok,
    };
    const int code = hwtotp::cli::run(argc, argv, ctx);
    std::cout.flush();
    return code;
}
