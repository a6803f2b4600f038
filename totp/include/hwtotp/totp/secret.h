#pragma once
// Secret: owns key bytes (a token seed, a master key) and wipes them when it dies.
//
// Move-only, no printing, no implicit conversions. The bytes are reachable only through
// expose(), so every place that touches raw key material can be found with `grep expose(`.
// Equality is constant-time (CRYPTO_memcmp). Storage comes from OpenSSL's secure heap (locked
// in memory, guard pages) when init_secure_heap() succeeded and it has room, else from the
// normal heap; it is wiped when freed either way.

#include <cstddef>
#include <cstdint>
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
    [[nodiscard]] std::span<const std::uint8_t> expose() const { return {data_, size_}; }
    [[nodiscard]] std::span<std::uint8_t> mutable_bytes() { return {data_, size_}; }

    // Keeps the first `size` bytes (no-op when size >= size()) and wipes the rest in place: a
    // decryption that learns the plaintext length only at its end writes into zeroed() storage
    // and trims it, without a second copy of the key.
    void truncate(std::size_t size) noexcept;

    // Explicit copy, so duplicating key material is never accidental.
    [[nodiscard]] Secret clone() const { return Secret(expose()); }

    // Constant-time comparison of contents (lengths are not secret).
    [[nodiscard]] bool equals(const Secret& other) const;

  private:
    void wipe() noexcept;

    std::uint8_t* data_ = nullptr;  // owned; from OPENSSL_secure_zalloc, null when empty
    std::size_t size_ = 0;
};

// Sets up OpenSSL's secure heap of `bytes` (a power of two) for Secrets and prepared keys, once,
// from main() before any Secret exists; Secrets take at most half of it (OpenSSL's random
// generators need the rest). Best effort: returns false when the system refuses
// (e.g. no mmap, or an mlock limit OpenSSL treats as fatal); Secrets then use the normal heap.
bool init_secure_heap(std::size_t bytes) noexcept;

// Wipes a buffer that held secret material (OPENSSL_cleanse, which the compiler cannot elide).
void wipe_memory(void* data, std::size_t size) noexcept;

}  // namespace hwtotp
