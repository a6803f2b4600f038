// otpauth URI parsing: never crashes; a parsed URI formats to one that parses to the same key.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hwtotp/totp/otpauth.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto key = hwtotp::parse_otpauth_uri(text);
    if (key) {
        auto again = hwtotp::parse_otpauth_uri(hwtotp::format_otpauth_uri(*key));
        if (!again || !again->secret.equals(key->secret) || !(again->params == key->params) ||
            again->issuer != key->issuer || again->account != key->account ||
            again->type != key->type || again->counter != key->counter ||
            again->extra != key->extra) {
            std::abort();
        }
    }
    return 0;
}
