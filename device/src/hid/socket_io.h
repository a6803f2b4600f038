#pragma once
// Reading and writing whole fixed-size socket messages before a deadline (poll + retry on
// EINTR / short transfers). Shared by the socket transport and the socket server.

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include <sys/un.h>

#include "hwtotp/device/hid/socket_transport.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::device::hid::socket_io {

using Message = std::array<std::uint8_t, socket_protocol::message_size>;
using Deadline = std::chrono::steady_clock::time_point;

// The sockaddr_un for `path`; fails (invalid_input) when the path is empty or longer than
// sun_path holds.
[[nodiscard]] Result<sockaddr_un> unix_address(const std::string& path);
// A new SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK Unix socket; failures are reported as `code`.
// Non-blocking: every wait on it is a poll with a deadline (or a ticker's sleep), never a
// blocking call that a stuck peer can hold forever.
[[nodiscard]] Result<int> new_stream_socket(ErrorCode code);

// Fails (ErrorCode::device) on timeout, error, or the peer closing ("disconnected").
[[nodiscard]] Result<void> write_all(int fd, std::span<const std::uint8_t> bytes,
                                     Deadline deadline);
[[nodiscard]] Result<Message> read_exact(int fd, Deadline deadline);

}  // namespace hwtotp::device::hid::socket_io
