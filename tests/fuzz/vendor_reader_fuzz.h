#pragma once
// The one fuzz body of every vendor-file reader: never crashes, never hands on a record without
// a serial and a secret, whatever the bytes; an odd first byte makes unsupported records skipped
// instead of refused, so both paths run. Format detection sees the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hwtotp/store/vendor_import.h"

template <typename Reader>
int fuzz_vendor_reader(Reader read, const std::uint8_t* data, std::size_t size) {
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
    (void)read(text, "fuzz", callbacks);
    (void)hwtotp::store::detect_import_format("fuzz", text);
    return 0;
}
