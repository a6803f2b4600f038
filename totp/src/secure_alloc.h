#pragma once
// Storage for key material: OpenSSL's secure heap (mlock'd, guard pages, excluded from core
// dumps) when main() set one up and it has room, else the normal heap. OpenSSL itself falls
// back only when no secure heap exists; when it is full it fails, so the fallback is here.

#include <cstddef>
#include <new>

#include <openssl/crypto.h>
#include <openssl/err.h>

namespace hwtotp::detail {

// Zero-filled; throws std::bad_alloc only when both heaps fail.
inline void* secure_zalloc(std::size_t size) {
    void* p = OPENSSL_secure_zalloc(size);
    if (p == nullptr) {
        ERR_clear_error();  // "secure malloc failure": not an error for us, and not for later
        p = OPENSSL_zalloc(size);
    }
    if (p == nullptr)
        throw std::bad_alloc();
    return p;
}

// Wipes, then frees from whichever heap the block came from.
inline void secure_clear_free(void* p, std::size_t size) noexcept {
    OPENSSL_secure_clear_free(p, size);
}

}  // namespace hwtotp::detail
