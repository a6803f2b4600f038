#pragma once
// --json output: one object on stdout per command, with stable field names.

#include <nlohmann/json.hpp>

#include "context.h"
#include "hwtotp/totp/params.h"

namespace hwtotp::cli {

void print_json(Context& ctx, const nlohmann::json& object);
// {"algorithm": "sha1", "digits": 6, "period": 30, "t0": 0}
[[nodiscard]] nlohmann::json params_json(const Params& params);

}  // namespace hwtotp::cli
