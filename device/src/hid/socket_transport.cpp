#include "hwtotp/device/hid/socket_transport.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "socket_io.h"

namespace hwtotp::device::hid {

Result<std::unique_ptr<SocketTransport>> SocketTransport::connect(const std::string& path) {
    auto address = socket_io::unix_address(path, "--device unix:PATH");
    if (!address) {
        return tl::unexpected(address.error());
    }
    auto socket = socket_io::new_stream_socket(ErrorCode::device);
    if (!socket) {
        return tl::unexpected(socket.error());
    }
    const int fd = *socket;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0) {
        const int error = errno;
        ::close(fd);
        return fail(ErrorCode::device,
                    "no simulated key at unix:" + path + " (" + std::strerror(error) +
                        "); start one with `hwtotp simulate --hid-socket " + path + " KEY`");
    }
    return std::unique_ptr<SocketTransport>(new SocketTransport(fd, path));
}

SocketTransport::~SocketTransport() {
    ::close(fd_);
}

Result<Report> SocketTransport::exchange(std::uint8_t op, const Report& report,
                                         std::chrono::milliseconds timeout) {
    std::array<std::uint8_t, socket_protocol::message_size> message{};
    message[0] = op;
    std::copy(report.begin(), report.end(), message.begin() + 1);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    if (auto sent = socket_io::write_all(fd_, message, deadline); !sent) {
        return tl::unexpected(sent.error());
    }
    auto reply = socket_io::read_exact(fd_, deadline);
    if (!reply) {
        return tl::unexpected(reply.error());
    }
    if ((*reply)[0] != socket_protocol::status_ok) {
        return fail(ErrorCode::device, "the simulated key reported an I/O error");
    }
    Report out{};
    std::copy(reply->begin() + 1, reply->end(), out.begin());
    return out;
}

Result<void> SocketTransport::send_report(const Report& report, std::chrono::milliseconds timeout) {
    auto reply = exchange(socket_protocol::op_set, report, timeout);
    if (!reply) {
        return tl::unexpected(reply.error());
    }
    return {};
}

Result<Report> SocketTransport::receive_report(std::chrono::milliseconds timeout) {
    return exchange(socket_protocol::op_get, Report{}, timeout);
}

}  // namespace hwtotp::device::hid
