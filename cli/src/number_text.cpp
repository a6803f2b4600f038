#include "number_text.h"

#include <sstream>

namespace hwtotp::cli {

std::string signed_text(std::int64_t value) {
    return (value > 0 ? "+" : "") + std::to_string(value);
}

std::string odds_text(double odds) {
    std::ostringstream s;
    s.precision(2);
    s << odds;
    return s.str();
}

}  // namespace hwtotp::cli
