// CSV and otpauth-list import: never crash; every record has a serial and a secret.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hwtotp/store/import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    hwtotp::store::ImportCallbacks callbacks;
    callbacks.sink = [](hwtotp::store::NewToken&& token, std::string_view) -> hwtotp::Result<void> {
        if (token.description.serial.empty() || token.seed.empty())
            std::abort();
        return {};
    };
    (void)hwtotp::store::read_csv(text, "fuzz", callbacks);
    (void)hwtotp::store::read_uri_list(text, "fuzz", callbacks);
    return 0;
}
