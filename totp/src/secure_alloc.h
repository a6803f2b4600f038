#pragma once
// Storage for key material: OpenSSL's secure heap (mlock'd, guard pages, excluded from core
// dumps) when main() set one up and it has room, else the normal heap. OpenSSL itself falls
// back only when no secure heap exists; when it is full it fails, so the fallback is here.
//
// Secrets take at most half the heap: OpenSSL needs the rest. A thread's first random bytes
// come from a generator set up then, whose seed material OpenSSL keeps in the secure heap and
// cannot do without ("error instantiating drbg"), and an export holds thousands of seeds at
// once (export_read_ahead.h).

#include <cstddef>
#include <new>

#include <openssl/crypto.h>
#include <openssl/err.h>

namespace hwtotp::detail {

// How much of the secure heap Secrets may hold: half of what init_secure_heap() set up.
std::size_t secure_heap_share() noexcept;

// Zero-filled; throws std::bad_alloc only when both heaps fail.
inline void* secure_zalloc(std::size_t size) {
    void* p = nullptr;
    const std::size_t share = secure_heap_share();  // 0: no secure heap (nor its lock) exists
    if (share != 0 && CRYPTO_secure_used() + size <= share)
        p = OPENSSL_secure_zalloc(size);
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
