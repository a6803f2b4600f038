#pragma once
// drift --plot: an SVG of observed offsets over time (with their ±P/2 quantisation bars), the
// fitted line, the verifier window's edges and the predicted exit. Plain SVG text: output only.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "hwtotp/totp/drift.h"

namespace hwtotp::cli {

struct DriftPlot {
    std::span<const OffsetObservation> observations;
    DriftFit fit;
    double centre_seconds = 0;  // the window's centre (stored offset × period)
    double edge_seconds = 30;   // radius × period
    std::uint64_t radius = 1;
    std::optional<std::int64_t> exit_time;  // predicted exit, drawn when known
    std::string title;
};

[[nodiscard]] std::string render_drift_svg(const DriftPlot& plot);

}  // namespace hwtotp::cli
