#pragma once
// Commands that work with the token registry when --token is given. Defined by the registry
// integration (token_source.cpp); the fallback there reports that no registry is built in.

#include <cstdint>
#include <string>

#include "context.h"
#include "hwtotp/totp/code.h"

namespace hwtotp::cli {

struct TokenVerifyRequest {
    std::string serial;
    Code code;
    std::int64_t time = 0;
    std::uint64_t window = 1;
    bool window_given = false;
};

// verify --token: window centred on the stored offset, replay refused, failures counted.
[[nodiscard]] Result<int> verify_against_registry(const TokenVerifyRequest& request, Context& ctx);

}  // namespace hwtotp::cli
