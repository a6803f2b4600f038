// hex decoding: never crashes; decode(encode(x)) == x for everything that decodes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hwtotp/totp/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto bytes = hwtotp::hex_decode(text);
    auto secret = hwtotp::hex_decode_secret(text);
    if (bytes.has_value() != secret.has_value())
        std::abort();
    if (bytes) {
        auto again = hwtotp::hex_decode(hwtotp::hex_encode(*bytes));
        if (!again || *again != *bytes)
            std::abort();
    }
    return 0;
}
