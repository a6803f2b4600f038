// privacyIDEA OATH CSV import (version line, user columns): the vendor-reader fuzz body
// (vendor_reader_fuzz.h).
#include "vendor_reader_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz_vendor_reader(
        [](std::string_view text, std::string_view source,
           const hwtotp::store::ImportCallbacks& callbacks) {
            return hwtotp::store::read_privacyidea_csv(text, source, callbacks);
        },
        data, size);
}
