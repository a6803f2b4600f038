#pragma once
// Serves a SimulatedYubiKey on a Unix socket (framing: socket_transport.h, docs/hid-socket.md).
// One connection at a time — a whole HID transaction is never interleaved with another.

#include <atomic>
#include <string>

#include <sys/types.h>

#include "hwtotp/device/hid/sim_yubikey.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::device::hid {

class SocketServer {
  public:
    // Creates a socket at `path` (mode 0600: whoever can connect can compute codes) and listens.
    // What is already at `path` is never destroyed, with one exception:
    //  * nothing there: the socket is created;
    //  * a stale socket (connecting is refused: its server is gone): it is replaced;
    //  * a live socket (a server takes connections): fails, ErrorCode::invalid_input ("in use");
    //  * anything else (a file, a directory, a link): fails, ErrorCode::invalid_input.
    // Also fails (invalid_input) on a path too long for a socket address, and (io) when the
    // socket cannot be created there.
    [[nodiscard]] static Result<SocketServer> listen(const std::string& path);
    SocketServer(SocketServer&& other) noexcept;
    SocketServer& operator=(SocketServer&&) = delete;
    SocketServer(const SocketServer&) = delete;
    // Closes the socket, and removes the socket file if it is still the one this server created
    // (same device and inode): a later server's socket at the same path is left alone.
    ~SocketServer();

    // Serves `device` until `stop` becomes true (checked at least every 100 ms).
    [[nodiscard]] Result<void> serve(SimulatedYubiKey& device, const std::atomic<bool>& stop);

    [[nodiscard]] const std::string& path() const { return path_; }

  private:
    SocketServer(int fd, std::string path, dev_t device, ino_t inode)
        : fd_(fd), path_(std::move(path)), device_(device), inode_(inode) {}
    void serve_connection(int client, SimulatedYubiKey& device, const std::atomic<bool>& stop);

    int fd_ = -1;
    std::string path_;
    // The socket file this server created, to recognise it at exit.
    dev_t device_ = 0;
    ino_t inode_ = 0;
};

}  // namespace hwtotp::device::hid
