// PSKC import: never crashes, never accepts a record without a serial and a secret, whatever the
// bytes (the streaming splitter, pugixml, the ciphers and MAC checks all run: the first 16 bytes
// after a '|' separator, if any, are taken as the pre-shared key).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hwtotp/store/import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    hwtotp::store::PskcKeys keys;
    keys.key = hwtotp::Secret(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>("1234567890123456"), 16));
    hwtotp::store::ImportCallbacks callbacks;
    callbacks.sink = [](hwtotp::store::NewToken&& token, std::string_view) -> hwtotp::Result<void> {
        if (token.description.serial.empty() || token.seed.empty())
            std::abort();
        return {};
    };
    (void)hwtotp::store::read_pskc(text, "fuzz", keys, callbacks);
    return 0;
}
