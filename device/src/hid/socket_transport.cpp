#include "hwtotp/device/hid/socket_transport.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "socket_io.h"

namespace hwtotp::device::hid {

namespace {

// Retrying a full queue: often at first (a server between two clients frees a place within
// milliseconds), then every 50 ms, never past the deadline.
constexpr std::int64_t max_connect_backoff_ms = 50;

}  // namespace

OpenResult<std::unique_ptr<SocketTransport>> SocketTransport::connect(
    const std::string& path, Ticker& ticker, std::chrono::milliseconds timeout) {
    auto address = socket_io::unix_address(path);
    if (!address) {
        return tl::unexpected(OpenError{OpenProblem::other, address.error()});
    }
    auto socket = socket_io::new_stream_socket(ErrorCode::device);
    if (!socket) {
        return tl::unexpected(OpenError{OpenProblem::other, socket.error()});
    }
    const int fd = *socket;
    // On Linux a non-blocking connect to a Unix socket whose listen queue is full fails at once
    // with EAGAIN (there is no EINPROGRESS to poll for): a blocking connect would wait there
    // for as long as the server does not accept. So: retry on the ticker until the deadline.
    const std::int64_t start = ticker.now_ms();
    std::int64_t backoff = 1;
    while (::connect(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0) {
        const int error = errno;
        if (error == EISCONN)
            break;  // an earlier attempt completed (systems that do report EINPROGRESS)
        const bool wait =
            error == EAGAIN || error == EINPROGRESS || error == EALREADY || error == EINTR;
        const std::int64_t waited = ticker.now_ms() - start;
        if (wait && waited < timeout.count()) {
            ticker.sleep_ms(std::clamp<std::int64_t>(backoff, 1, timeout.count() - waited));
            backoff = std::min(backoff * 2, max_connect_backoff_ms);
            continue;
        }
        ::close(fd);
        if (wait) {
            return fail_open(OpenProblem::other, ErrorCode::device,
                             "the simulated key at unix:" + path +
                                 " did not take the connection within " +
                                 std::to_string(timeout.count()) +
                                 " ms (its queue of waiting clients is full: other clients "
                                 "keep it busy); retry when they are done");
        }
        const auto problem = error == ENOENT || error == ECONNREFUSED
                                 ? OpenProblem::nothing_listening
                                 : OpenProblem::other;
        return fail_open(problem, ErrorCode::device,
                         "no simulated key at unix:" + path + " (" + std::strerror(error) + ")");
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
    HWTOTP_TRY(socket_io::write_all(fd_, message, deadline));
    HWTOTP_ASSIGN_OR_RETURN(auto reply, socket_io::read_exact(fd_, deadline));
    if (reply[0] != socket_protocol::status_ok) {
        return fail(ErrorCode::device, "the simulated key reported an I/O error");
    }
    Report out{};
    std::copy(reply.begin() + 1, reply.end(), out.begin());
    return out;
}

Result<void> SocketTransport::send_report(const Report& report, std::chrono::milliseconds timeout) {
    HWTOTP_TRY(exchange(socket_protocol::op_set, report, timeout));
    return {};
}

Result<Report> SocketTransport::receive_report(std::chrono::milliseconds timeout) {
    return exchange(socket_protocol::op_get, Report{}, timeout);
}

}  // namespace hwtotp::device::hid
