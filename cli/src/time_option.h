#pragma once
// --time T: Unix seconds, ISO-8601, or "now" (the default), resolved against the injected clock.

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "context.h"

namespace hwtotp::cli {

void add_time_option(CLI::App& command, std::string& time_text,
                     const std::string& help =
                         "Time to compute at: Unix seconds, ISO-8601 "
                         "(2026-11-23T10:00:00Z) or now (default)");

[[nodiscard]] Result<std::int64_t> resolve_time(const std::string& time_text, const Context& ctx);

}  // namespace hwtotp::cli
