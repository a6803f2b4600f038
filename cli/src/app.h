#pragma once
// The whole CLI as a function: parse argv, run one subcommand, return the exit code.

#include "context.h"

namespace hwtotp::cli {

[[nodiscard]] int run(int argc, const char* const* argv, Context& ctx);

}  // namespace hwtotp::cli
