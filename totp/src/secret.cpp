#include "hwtotp/totp/secret.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include <openssl/crypto.h>

#include "secure_alloc.h"

namespace hwtotp {

void wipe_memory(void* data, std::size_t size) noexcept {
    if (data != nullptr && size != 0) {
        OPENSSL_cleanse(data, size);
    }
}

namespace {

std::uint8_t* allocate(std::size_t size) {
    if (size == 0)
        return nullptr;
    return static_cast<std::uint8_t*>(detail::secure_zalloc(size));
}

// Set once, by init_secure_heap() from main(), before any thread starts.
std::atomic<std::size_t> secure_share{0};

}  // namespace

std::size_t detail::secure_heap_share() noexcept {
    return secure_share.load(std::memory_order_relaxed);
}

bool init_secure_heap(std::size_t bytes) noexcept {
    // 16-byte granules: seeds are 10-64 bytes; 1 = secure heap ready (2 = ready, not mlock'd).
    const bool ready = CRYPTO_secure_malloc_init(bytes, 16) != 0;
    if (ready)
        secure_share.store(bytes / 2, std::memory_order_relaxed);
    return ready;
}

Secret::Secret(std::span<const std::uint8_t> bytes)
    : data_(allocate(bytes.size())), size_(bytes.size()) {
    std::copy(bytes.begin(), bytes.end(), data_);
}

Secret Secret::zeroed(std::size_t size) {
    Secret secret;
    secret.data_ = allocate(size);  // zero-filled
    secret.size_ = size;
    return secret;
}

Secret::Secret(Secret&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

Secret::~Secret() {
    wipe();
}

void Secret::wipe() noexcept {
    if (data_ != nullptr)
        detail::secure_clear_free(data_, size_);  // cleanses, then frees from whichever heap
    data_ = nullptr;
    size_ = 0;
}

void Secret::truncate(std::size_t size) noexcept {
    if (size >= size_)
        return;
    wipe_memory(data_ + size, size_ - size);
    size_ = size;  // the storage keeps its length; free does not need it (the tail is wiped)
    if (size_ == 0)
        wipe();
}

bool Secret::equals(const Secret& other) const {
    if (size_ != other.size_) {
        return false;
    }
    return size_ == 0 || CRYPTO_memcmp(data_, other.data_, size_) == 0;
}

}  // namespace hwtotp
