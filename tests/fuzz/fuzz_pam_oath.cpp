// pam_oath usersfile import (token types, HOTP state fields): never crashes, never accepts a record
// without a serial and a secret, whatever the bytes; an odd first byte makes unsupported records
// skipped instead of refused, so both paths run.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hwtotp/store/vendor_import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    hwtotp::store::ImportCallbacks callbacks;
    callbacks.sink = [](hwtotp::store::NewToken&& token, std::string_view) -> hwtotp::Result<void> {
        if (token.description.serial.empty() || token.seed.empty())
            std::abort();
        return {};
    };
    callbacks.warn = [](const std::string&) {};
    if (size > 0 && (data[0] & 1) != 0)
        callbacks.unsupported = [](const std::string&) -> hwtotp::Result<void> { return {}; };
    (void)hwtotp::store::read_pam_oath(text, "fuzz", callbacks);
    (void)hwtotp::store::detect_import_format("fuzz", text);
    return 0;
}
