#include "hwtotp/totp/openssl_error.h"

#include <openssl/err.h>

#include <array>

namespace hwtotp {

std::string openssl_error(std::string_view what) {
    std::string message(what);
    const char* separator = ": ";
    while (const unsigned long code = ERR_get_error()) {
        std::array<char, 256> buffer{};
        ERR_error_string_n(code, buffer.data(), buffer.size());
        message += separator;
        message += buffer.data();
        separator = "; ";
    }
    return message;
}

}  // namespace hwtotp
