#pragma once
// Secret: owns key bytes (a token seed, a master key) and wipes them when it dies.
//
// Move-only, no printing, no implicit conversions. The bytes are reachable only through
// expose(), so every place that touches raw key material can be found with `grep expose(`.
// Equality is constant-time (CRYPTO_memcmp).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace hwtotp {

class Secret {
  public:
    Secret() = default;
    // Copies `bytes` into fresh storage; the caller remains responsible for wiping its copy.
    explicit Secret(std::span<const std::uint8_t> bytes);
    // Zero-filled storage of `size` bytes, to be written through mutable_bytes().
    static Secret zeroed(std::size_t size);

    Secret(Secret&& other) noexcept;
    Secret& operator=(Secret&& other) noexcept;
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    ~Secret();

    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }

    // The raw key bytes. Every caller is a place that handles key material: keep them few.
    [[nodiscard]] std::span<const std::uint8_t> expose() const { return {data_.get(), size_}; }
    [[nodiscard]] std::span<std::uint8_t> mutable_bytes() { return {data_.get(), size_}; }

    // Explicit copy, so duplicating key material is never accidental.
    [[nodiscard]] Secret clone() const { return Secret(expose()); }

    // Constant-time comparison of contents (lengths are not secret).
    [[nodiscard]] bool equals(const Secret& other) const;

  private:
    void wipe() noexcept;

    std::unique_ptr<std::uint8_t[]> data_;
    std::size_t size_ = 0;
};

// Wipes a buffer that held secret material (OPENSSL_cleanse, which the compiler cannot elide).
void wipe_memory(void* data, std::size_t size) noexcept;

}  // namespace hwtotp
