#pragma once
// verify --token centres its window on the drift model's prediction once a token has two or
// more observed offsets (docs/drift.md), bounded so that the centre moves from the stored
// offset by no more than 100 ppm of the time since the last observation allows.

#include <cstdint>
#include <optional>
#include <string>

#include "hwtotp/store/registry.h"

namespace hwtotp::cli {

struct DriftCentre {
    std::int64_t centre_offset_steps = 0;     // what the window is centred on (bounded)
    std::int64_t predicted_offset_steps = 0;  // what the fit alone says
    double rate_ppm = 0;
    std::size_t observations = 0;
};

// nullopt when the token has fewer than two observations at distinct times, or is HOTP.
[[nodiscard]] Result<std::optional<DriftCentre>> drift_centre(store::Registry& registry,
                                                              const std::string& serial,
                                                              std::int64_t now);

}  // namespace hwtotp::cli
