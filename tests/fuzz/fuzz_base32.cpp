// base32 decoding of untrusted text: never crashes; whatever decodes re-encodes to the same
// symbols (modulo case, separators and padding).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hwtotp/totp/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto decoded = hwtotp::base32_decode(text);
    if (decoded) {
        const std::string again = hwtotp::base32_encode(decoded->expose());
        auto round = hwtotp::base32_decode(again);
        if (!round || !round->equals(*decoded))
            std::abort();
    }
    return 0;
}
