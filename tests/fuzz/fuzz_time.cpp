// --time parsing: never crashes; what parses as ISO formats back to the same instant.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hwtotp/totp/time_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto t = hwtotp::parse_time(text);
    if (t && *t > -62'000'000'000 && *t < 250'000'000'000) {
        auto again = hwtotp::parse_time(hwtotp::format_time(*t));
        if (!again || *again != *t)
            std::abort();
    }
    return 0;
}
