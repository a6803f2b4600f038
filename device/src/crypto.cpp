#include "crypto.h"

#include <string>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "hwtotp/device/random_seed.h"
#include "hwtotp/totp/openssl_error.h"

namespace hwtotp::device {

Result<std::array<std::uint8_t, 20>> hmac_sha1(std::span<const std::uint8_t> key,
                                               std::span<const std::uint8_t> message) {
    std::array<std::uint8_t, 20> out{};
    unsigned int length = 0;
    // One-shot HMAC(): EVP-based in OpenSSL 3, not deprecated, and it cleans its own context.
    const unsigned char* result = HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
                                       message.data(), message.size(), out.data(), &length);
    if (result == nullptr || length != out.size()) {
        return fail(ErrorCode::crypto, openssl_error("HMAC-SHA1 failed"));
    }
    return out;
}

Result<Secret> random_seed(std::size_t size) {
    if (size == 0 || size > 1024) {
        return fail(ErrorCode::invalid_input, "seed size must be 1..1024 bytes");
    }
    Secret seed = Secret::zeroed(size);
    auto bytes = seed.mutable_bytes();
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        return fail(ErrorCode::crypto, openssl_error("RAND_bytes failed"));
    }
    return seed;
}

}  // namespace hwtotp::device
