// list-virtual-mfa-devices / list-mfa-devices parsing: never crashes; every error names the
// file; an account id, when found, is 12 digits.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hwtotp/aws/mfa_listing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto page = hwtotp::aws::parse_mfa_listing(text, "fuzz.json");
    if (!page) {
        if (page.error().message.rfind("fuzz.json", 0) != 0)
            std::abort();
        return 0;
    }
    if (!page->account_id.empty()) {
        if (page->account_id.size() != 12 ||
            page->account_id.find_first_not_of("0123456789") != std::string::npos)
            std::abort();
    }
    return 0;
}
