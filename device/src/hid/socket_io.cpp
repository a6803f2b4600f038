#include "socket_io.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hwtotp::device::hid::socket_io {
namespace {

// Waits until `fd` is ready for `events` or the deadline passes.
Result<void> wait_ready(int fd, short events, Deadline deadline) {
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return fail(ErrorCode::device, "timed out talking to the simulated key");
        }
        pollfd p{fd, events, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 60'000)));
        if (ready > 0)
            return {};
        if (ready < 0 && errno != EINTR) {
            return fail(ErrorCode::device, std::string("poll(): ") + std::strerror(errno));
        }
    }
}

}  // namespace

Result<sockaddr_un> unix_address(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof address.sun_path) {
        return fail(ErrorCode::invalid_input,
                    "a socket path must be 1 to " + std::to_string(sizeof address.sun_path - 1) +
                        " characters long (this one has " + std::to_string(path.size()) + ")");
    }
    std::copy(path.begin(), path.end(), address.sun_path);
    return address;
}

Result<int> new_stream_socket(ErrorCode code) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return fail(code, std::string("socket(): ") + std::strerror(errno));
    }
    return fd;
}

Result<void> write_all(int fd, std::span<const std::uint8_t> bytes, Deadline deadline) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        if (auto ready = wait_ready(fd, POLLOUT, deadline); !ready)
            return ready;
        // MSG_NOSIGNAL: a vanished peer is an error value, not a SIGPIPE.
        const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return fail(ErrorCode::device,
                        std::string("disconnected (") + std::strerror(errno) + ")");
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

Result<Message> read_exact(int fd, Deadline deadline) {
    Message message{};
    std::size_t done = 0;
    while (done < message.size()) {
        HWTOTP_TRY(wait_ready(fd, POLLIN, deadline));
        const ssize_t n = ::recv(fd, message.data() + done, message.size() - done, 0);
        if (n == 0) {
            return fail(ErrorCode::device, "disconnected: the device went away (unplugged)");
        }
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return fail(ErrorCode::device,
                        std::string("disconnected (") + std::strerror(errno) + ")");
        }
        done += static_cast<std::size_t>(n);
    }
    return message;
}

}  // namespace hwtotp::device::hid::socket_io
