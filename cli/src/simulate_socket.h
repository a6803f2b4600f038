#pragma once
// `hwtotp simulate --hid-socket PATH`: serve a simulated YubiKey until SIGTERM/SIGINT.

#include <cstdint>
#include <optional>
#include <string>

#include "context.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::cli {

struct SocketServeRequest {
    std::string path;
    std::uint32_t serial = 12345678;
    bool touch = false;
    std::optional<std::int64_t> touch_after_ms = 1000;  // nullopt: nobody ever touches
};

[[nodiscard]] Result<int> serve_simulated_key(const SocketServeRequest& request, Secret seed,
                                              Context& ctx);

}  // namespace hwtotp::cli
