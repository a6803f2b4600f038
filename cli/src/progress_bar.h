#pragma once
// A one-line bar on a terminal, redrawn in place with \r: scans (resync --search-window all)
// and enroll's countdown. Only drawn when stderr is a terminal; pipes and logs get no \r noise.

#include <cstdint>
#include <string>

#include "context.h"

namespace hwtotp::cli {

// Draws "[#####.....]  42%  label" over the current line of ctx.err. fraction in [0, 1].
void draw_bar(Context& ctx, double fraction, const std::string& label);
// Blanks the bar's line so that the next output starts clean.
void clear_bar(Context& ctx);

}  // namespace hwtotp::cli
