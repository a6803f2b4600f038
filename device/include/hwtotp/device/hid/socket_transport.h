#pragma once
// The Unix-socket transport: reports to and from a simulated key served by another process
// (`hwtotp simulate --hid-socket PATH`). The framing is documented in docs/hid-socket.md:
//   request  = 1 op byte (0x01 GET, 0x02 SET) + 8 report bytes (zeros for GET)
//   response = 1 status byte (0x00 ok, 0x01 device I/O error) + 8 report bytes (zeros for SET)
// A closed connection means the device was unplugged.

#include <chrono>
#include <memory>
#include <string>

#include "hwtotp/device/hid/open_error.h"
#include "hwtotp/device/hid/ticker.h"
#include "hwtotp/device/hid/transport.h"

namespace hwtotp::device::hid {

namespace socket_protocol {
inline constexpr std::uint8_t op_get = 0x01;
inline constexpr std::uint8_t op_set = 0x02;
inline constexpr std::uint8_t status_ok = 0x00;
inline constexpr std::uint8_t status_io_error = 0x01;
inline constexpr std::size_t message_size = 9;
}  // namespace socket_protocol

// How long connect() waits for a server that does not take the connection (its listen queue
// is full: it is serving another client, or it never accepts).
inline constexpr std::chrono::milliseconds default_connect_timeout{2000};

class SocketTransport final : public Transport {
  public:
    // Connects to the server at `path`, waiting at most `timeout` as measured on `ticker`.
    // Fails with ErrorCode::device: OpenProblem::nothing_listening when there is no socket or no
    // server behind it, OpenProblem::other when the server does not take the connection in
    // time; with ErrorCode::invalid_input when `path` does not fit a socket address.
    [[nodiscard]] static OpenResult<std::unique_ptr<SocketTransport>> connect(
        const std::string& path, Ticker& ticker,
        std::chrono::milliseconds timeout = default_connect_timeout);
    ~SocketTransport() override;
    SocketTransport(const SocketTransport&) = delete;
    SocketTransport& operator=(const SocketTransport&) = delete;

    [[nodiscard]] Result<void> send_report(const Report& report,
                                           std::chrono::milliseconds timeout) override;
    [[nodiscard]] Result<Report> receive_report(std::chrono::milliseconds timeout) override;
    [[nodiscard]] std::string describe() const override { return "unix:" + path_; }

  private:
    SocketTransport(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    [[nodiscard]] Result<Report> exchange(std::uint8_t op, const Report& report,
                                          std::chrono::milliseconds timeout);

    int fd_;
    std::string path_;
};

}  // namespace hwtotp::device::hid
