#pragma once
// How the commands print numbers people compare: offsets with their sign, odds in two digits.

#include <cstdint>
#include <string>

namespace hwtotp::cli {

// "+37", "0", "-2": a step offset, signed so that ahead and behind read apart.
[[nodiscard]] std::string signed_text(std::int64_t value);
// A probability in two significant digits: "0.0018", "1e-06".
[[nodiscard]] std::string odds_text(double odds);

}  // namespace hwtotp::cli
