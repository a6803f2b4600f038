#include "hwtotp/device/hid/socket_server.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "socket_io.h"

namespace hwtotp::device::hid {
namespace {

constexpr int stop_check_ms = 100;
constexpr std::chrono::seconds message_timeout{2};

// Waits up to stop_check_ms for `fd` to be readable. True when readable.
bool readable_soon(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, stop_check_ms) > 0;
}

}  // namespace

Result<SocketServer> SocketServer::listen(const std::string& path) {
    auto address = socket_io::unix_address(path, "--hid-socket");
    if (!address) {
        return tl::unexpected(address.error());
    }
    auto socket = socket_io::new_stream_socket(ErrorCode::io);
    if (!socket) {
        return tl::unexpected(socket.error());
    }
    const int fd = *socket;
    ::unlink(path.c_str());  // a stale socket from an earlier run
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0 ||
        ::listen(fd, 8) != 0) {
        const int error = errno;
        ::close(fd);
        return fail(ErrorCode::io, "--hid-socket " + path + ": " + std::strerror(error));
    }
    return SocketServer(fd, path);
}

SocketServer::SocketServer(SocketServer&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

SocketServer::~SocketServer() {
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(path_.c_str());
    }
}

Result<void> SocketServer::serve(SimulatedYubiKey& device, const std::atomic<bool>& stop) {
    while (!stop.load()) {
        if (!readable_soon(fd_))
            continue;
        const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED)
                continue;
            return fail(ErrorCode::io, std::string("accept(): ") + std::strerror(errno));
        }
        serve_connection(client, device, stop);
        ::close(client);
        // A new host finds the key idle, as after a power cycle.
        device.reset_state();
    }
    return {};
}

void SocketServer::serve_connection(int client, SimulatedYubiKey& device,
                                    const std::atomic<bool>& stop) {
    while (!stop.load()) {
        if (!readable_soon(client))
            continue;
        const auto deadline = std::chrono::steady_clock::now() + message_timeout;
        auto request = socket_io::read_exact(client, deadline);
        if (!request)
            return;  // the host hung up

        Report report{};
        std::copy(request->begin() + 1, request->end(), report.begin());
        socket_io::Message reply{};
        Result<void> outcome;
        if ((*request)[0] == socket_protocol::op_get) {
            auto got = device.get_feature();
            if (got) {
                std::copy(got->begin(), got->end(), reply.begin() + 1);
            } else {
                outcome = tl::unexpected(got.error());
            }
        } else if ((*request)[0] == socket_protocol::op_set) {
            outcome = device.set_feature(report);
        } else {
            reply[0] = socket_protocol::status_io_error;  // unknown op: a stalled request
        }
        if (!outcome) {
            return;  // unplugged: the host sees the connection drop
        }
        if (!socket_io::write_all(client, reply, deadline))
            return;
    }
}

}  // namespace hwtotp::device::hid
