#pragma once
// What the commands do with the token registry when --token is given: verify in
// token_source.cpp, resync and drift in resync_registry.cpp. Kept apart from the commands so
// that a command's own file does not include the store's headers.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "context.h"
#include "hwtotp/totp/code.h"
#include "hwtotp/totp/params.h"

namespace hwtotp::cli {

struct TokenVerifyRequest {
    std::string serial;
    Code code;
    std::int64_t time = 0;
    std::optional<std::uint64_t> window;  // --window N; none: the verifier's default
};

// verify --token: store::verify_token's rules (window, replay, attempts, throttle, lockout),
// its outcome printed as text or JSON.
[[nodiscard]] Result<int> verify_against_registry(const TokenVerifyRequest& request, Context& ctx);

struct TokenResyncRecord {
    std::string serial;
    std::uint64_t last_step = 0;    // step of code 2
    std::int64_t offset_steps = 0;  // step(code 2) - step(time)
    std::int64_t time = 0;
};

// resync --token: store the new offset, last accepted step and a history entry.
[[nodiscard]] Result<void> record_resync_in_registry(const TokenResyncRecord& record, Context& ctx);

// drift --token: a token's parameters, stored offset and the offsets a drift fit uses (oldest
// first; store::offset_history says which).
struct TokenOffsetHistory {
    struct Entry {
        std::int64_t time = 0;
        std::int64_t offset_steps = 0;
        std::string how;  // "resync", "verify", "enroll", "import"
    };
    Params params = Params::standard();
    std::int64_t stored_offset_steps = 0;
    std::vector<Entry> entries;
};
[[nodiscard]] Result<TokenOffsetHistory> load_offset_history(const std::string& serial,
                                                             Context& ctx);

}  // namespace hwtotp::cli
