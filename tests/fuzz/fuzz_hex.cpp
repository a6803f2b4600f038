// hex decoding: never crashes; decode(encode(x)) == x for everything that decodes; the seed
// decoder accepts exactly what the byte decoder does, but for seeds over the size limit.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/limits.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto bytes = hwtotp::hex_decode(text);
    auto secret = hwtotp::hex_decode_secret(text);
    const bool over_limit = bytes && bytes->size() > hwtotp::limits::max_seed_bytes;
    if (secret.has_value() != (bytes.has_value() && !over_limit))
        std::abort();
    if (bytes) {
        auto again = hwtotp::hex_decode(hwtotp::hex_encode(*bytes));
        if (!again || *again != *bytes)
            std::abort();
    }
    return 0;
}
