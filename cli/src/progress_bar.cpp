#include "progress_bar.h"

#include <algorithm>
#include <cmath>
#include <ostream>

namespace hwtotp::cli {
namespace {
constexpr int bar_width = 30;
constexpr std::size_t line_width = 79;
}  // namespace

void draw_bar(Context& ctx, double fraction, const std::string& label) {
    fraction = std::clamp(fraction, 0.0, 1.0);
    const auto filled = static_cast<int>(std::lround(fraction * bar_width));
    std::string line = "[" + std::string(static_cast<std::size_t>(filled), '#') +
                       std::string(static_cast<std::size_t>(bar_width - filled), '.') + "] ";
    const auto percent = static_cast<int>(std::floor(fraction * 100));
    line += (percent < 10 ? "  " : percent < 100 ? " " : "") + std::to_string(percent) + "%  ";
    line += label;
    if (line.size() > line_width)
        line.resize(line_width);
    ctx.err << '\r' << line << std::string(line_width - line.size(), ' ') << std::flush;
}

void clear_bar(Context& ctx) {
    ctx.err << '\r' << std::string(line_width, ' ') << '\r' << std::flush;
}

}  // namespace hwtotp::cli
