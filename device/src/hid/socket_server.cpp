#include "hwtotp/device/hid/socket_server.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "socket_io.h"

namespace hwtotp::device::hid {
namespace {

constexpr int stop_check_ms = 100;
constexpr std::chrono::seconds message_timeout{2};
constexpr int listen_backlog = 8;

// Waits up to stop_check_ms for `fd` to be readable. True when readable.
bool readable_soon(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, stop_check_ms) > 0;
}

tl::unexpected<Error> fail_errno(const std::string& path, const std::string& what, int error) {
    return fail(ErrorCode::io, path + ": " + what + " (" + std::strerror(error) + ")");
}

// Whether a server takes connections on the socket at `address`: true when one does (the
// connection is made, or its queue is full), false when connecting is refused (a stale socket:
// its server is gone).
Result<bool> server_answers(const sockaddr_un& address, const std::string& path) {
    HWTOTP_ASSIGN_OR_RETURN(const int probe, socket_io::new_stream_socket(ErrorCode::io));
    const int rc = ::connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    const int error = errno;
    ::close(probe);
    if (rc == 0 || error == EAGAIN || error == EINPROGRESS)
        return true;
    if (error == ECONNREFUSED)
        return false;
    return fail_errno(path, "cannot tell whether a server uses this socket", error);
}

bool same_file(const struct stat& a, const struct stat& b) {
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Binds `fd` at `path`. bind() never replaces anything (EADDRINUSE), so the only thing removed
// here is a stale socket, and only the very one that was probed.
Result<void> bind_claiming(int fd, const sockaddr_un& address, const std::string& path) {
    const auto* raw = reinterpret_cast<const sockaddr*>(&address);
    if (::bind(fd, raw, sizeof address) == 0)
        return {};
    if (errno != EADDRINUSE)
        return fail_errno(path, "cannot create a socket there", errno);
    struct stat existing {};
    if (::lstat(path.c_str(), &existing) != 0)
        return fail_errno(path, "cannot create a socket there", errno);
    if (!S_ISSOCK(existing.st_mode)) {
        return fail(ErrorCode::invalid_input,
                    path +
                        " exists and is not a socket; it was left untouched (give a path "
                        "where nothing exists, or the socket of an earlier run)");
    }
    HWTOTP_ASSIGN_OR_RETURN(const bool live, server_answers(address, path));
    if (live) {
        return fail(ErrorCode::invalid_input,
                    path +
                        " is in use: a server answers on it (stop that server, or give "
                        "another path)");
    }
    struct stat now {};
    if (::lstat(path.c_str(), &now) != 0 || !same_file(now, existing)) {
        return fail(ErrorCode::io, path + ": changed while it was being checked; try again");
    }
    ::unlink(path.c_str());
    if (::bind(fd, raw, sizeof address) != 0)
        return fail_errno(path, "cannot create a socket there", errno);
    return {};
}

}  // namespace

Result<SocketServer> SocketServer::listen(const std::string& path) {
    HWTOTP_ASSIGN_OR_RETURN(const sockaddr_un address, socket_io::unix_address(path));
    HWTOTP_ASSIGN_OR_RETURN(const int fd, socket_io::new_stream_socket(ErrorCode::io));
    if (auto bound = bind_claiming(fd, address, path); !bound) {
        ::close(fd);
        return tl::unexpected(bound.error());
    }
    // bind() takes the mode from the umask; connecting is what computes codes, so only the
    // owner may (a Unix socket's write permission is the right to connect).
    struct stat created {};
    if (::chmod(path.c_str(), 0600) != 0 || ::lstat(path.c_str(), &created) != 0 ||
        ::listen(fd, listen_backlog) != 0) {
        const int error = errno;
        ::unlink(path.c_str());
        ::close(fd);
        return fail_errno(path, "cannot set up the socket there", error);
    }
    return SocketServer(fd, path, created.st_dev, created.st_ino);
}

SocketServer::SocketServer(SocketServer&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      device_(other.device_),
      inode_(other.inode_) {}

SocketServer::~SocketServer() {
    if (fd_ < 0)
        return;
    // Unlink before closing: while this server still listens, no other one can take the
    // socket for stale and put its own there, so the file checked is the file removed.
    struct stat now {};
    if (::lstat(path_.c_str(), &now) == 0 && S_ISSOCK(now.st_mode) && now.st_dev == device_ &&
        now.st_ino == inode_) {
        ::unlink(path_.c_str());
    }
    ::close(fd_);
}

Result<void> SocketServer::serve(SimulatedYubiKey& device, const std::atomic<bool>& stop) {
    while (!stop.load()) {
        if (!readable_soon(fd_))
            continue;
        const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
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
