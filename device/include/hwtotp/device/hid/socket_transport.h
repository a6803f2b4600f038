#pragma once
// The Unix-socket transport: reports to and from a simulated key served by another process
// (`hwtotp simulate --hid-socket PATH`). The framing is documented in docs/hid-socket.md:
//   request  = 1 op byte (0x01 GET, 0x02 SET) + 8 report bytes (zeros for GET)
//   response = 1 status byte (0x00 ok, 0x01 device I/O error) + 8 report bytes (zeros for SET)
// A closed connection means the device was unplugged.

#include <memory>
#include <string>

#include "hwtotp/device/hid/transport.h"

namespace hwtotp::device::hid {

namespace socket_protocol {
inline constexpr std::uint8_t op_get = 0x01;
inline constexpr std::uint8_t op_set = 0x02;
inline constexpr std::uint8_t status_ok = 0x00;
inline constexpr std::uint8_t status_io_error = 0x01;
inline constexpr std::size_t message_size = 9;
}  // namespace socket_protocol

class SocketTransport final : public Transport {
  public:
    // Connects to the server at `path`. Fails (ErrorCode::device) when nothing listens there.
    [[nodiscard]] static Result<std::unique_ptr<SocketTransport>> connect(const std::string& path);
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
