#include "hwtotp/totp/secret.h"

#include <algorithm>
#include <utility>

#include <openssl/crypto.h>

namespace hwtotp {

void wipe_memory(void* data, std::size_t size) noexcept {
    if (data != nullptr && size != 0) {
        OPENSSL_cleanse(data, size);
    }
}

Secret::Secret(std::span<const std::uint8_t> bytes)
    : data_(std::make_unique<std::uint8_t[]>(bytes.size())), size_(bytes.size()) {
    std::copy(bytes.begin(), bytes.end(), data_.get());
}

Secret Secret::zeroed(std::size_t size) {
    Secret secret;
    secret.data_ = std::make_unique<std::uint8_t[]>(size);  // value-initialised: zeros
    secret.size_ = size;
    return secret;
}

Secret::Secret(Secret&& other) noexcept
    : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)) {}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        data_ = std::move(other.data_);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

Secret::~Secret() {
    wipe();
}

void Secret::wipe() noexcept {
    wipe_memory(data_.get(), size_);
    data_.reset();
    size_ = 0;
}

bool Secret::equals(const Secret& other) const {
    if (size_ != other.size_) {
        return false;
    }
    return size_ == 0 || CRYPTO_memcmp(data_.get(), other.data_.get(), size_) == 0;
}

}  // namespace hwtotp
