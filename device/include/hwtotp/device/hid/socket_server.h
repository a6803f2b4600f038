#pragma once
// Serves a SimulatedYubiKey on a Unix socket (framing: socket_transport.h, docs/hid-socket.md).
// One connection at a time — a whole HID transaction is never interleaved with another.

#include <atomic>
#include <string>

#include "hwtotp/device/hid/sim_yubikey.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::device::hid {

class SocketServer {
  public:
    // Binds and listens at `path` (an existing socket file there is replaced). Fails on a path
    // that is too long or cannot be bound.
    [[nodiscard]] static Result<SocketServer> listen(const std::string& path);
    SocketServer(SocketServer&& other) noexcept;
    SocketServer& operator=(SocketServer&&) = delete;
    SocketServer(const SocketServer&) = delete;
    ~SocketServer();  // closes and removes the socket file

    // Serves `device` until `stop` becomes true (checked at least every 100 ms).
    [[nodiscard]] Result<void> serve(SimulatedYubiKey& device, const std::atomic<bool>& stop);

    [[nodiscard]] const std::string& path() const { return path_; }

  private:
    SocketServer(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    void serve_connection(int client, SimulatedYubiKey& device, const std::atomic<bool>& stop);

    int fd_ = -1;
    std::string path_;
};

}  // namespace hwtotp::device::hid
