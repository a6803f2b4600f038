// pam_oath usersfile import (token types, HOTP state fields): the vendor-reader fuzz body
// (vendor_reader_fuzz.h).
#include "vendor_reader_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz_vendor_reader(
        [](std::string_view text, std::string_view source,
           const hwtotp::store::ImportCallbacks& callbacks) {
            return hwtotp::store::read_pam_oath(text, source, callbacks);
        },
        data, size);
}
