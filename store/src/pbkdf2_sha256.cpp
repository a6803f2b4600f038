// PBKDF2-HMAC-SHA256 over OpenSSL's block-level SHA-256 (see pbkdf2_sha256.h for why).
//
// OpenSSL 3 deprecates SHA256_Init/SHA256_Transform, but EVP offers no cheap way to restart a
// digest from a saved state (totp/src/otp_key.cpp says the same for the code engine), so this
// file opts out of the deprecation warnings locally. The compressions are OpenSSL's (SHA-NI or
// AVX code); only the HMAC and PBKDF2 framing is here. Every keyed state is wiped after use.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "pbkdf2_sha256.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>

namespace hwtotp::store::crypto {
namespace {

constexpr std::size_t block_size = 64;
constexpr std::size_t digest_size = 32;

void store_be32(std::uint8_t* out, std::uint32_t value) {
    out[0] = static_cast<std::uint8_t>(value >> 24);
    out[1] = static_cast<std::uint8_t>(value >> 16);
    out[2] = static_cast<std::uint8_t>(value >> 8);
    out[3] = static_cast<std::uint8_t>(value);
}

// The digest a state holds after its last compression.
void state_digest(const SHA256_CTX& state, std::uint8_t* out) {
    for (std::size_t i = 0; i < 8; ++i)
        store_be32(out + 4 * i, state.h[i]);
}

// The HMAC key's inner (pad 0x36) or outer (0x5c) state: one block of key XOR pad hashed
// (RFC 2104), through SHA256_Update so that the length count stays right for SHA256_Final.
struct KeyedStates {
    SHA256_CTX inner{};
    SHA256_CTX outer{};

    explicit KeyedStates(std::span<const std::uint8_t> password) {
        std::array<std::uint8_t, block_size> key{};
        if (password.size() > block_size) {
            SHA256(password.data(), password.size(), key.data());
        } else {
            std::copy(password.begin(), password.end(), key.begin());
        }
        std::array<std::uint8_t, block_size> pad{};
        for (const auto& [state, byte] :
             {std::pair{&inner, std::uint8_t{0x36}}, std::pair{&outer, std::uint8_t{0x5c}}}) {
            for (std::size_t i = 0; i < block_size; ++i)
                pad[i] = static_cast<std::uint8_t>(key[i] ^ byte);
            SHA256_Init(state);
            SHA256_Update(state, pad.data(), pad.size());
        }
        OPENSSL_cleanse(key.data(), key.size());
        OPENSSL_cleanse(pad.data(), pad.size());
    }
    KeyedStates(const KeyedStates&) = delete;
    KeyedStates& operator=(const KeyedStates&) = delete;
    ~KeyedStates() {
        OPENSSL_cleanse(&inner, sizeof inner);
        OPENSSL_cleanse(&outer, sizeof outer);
    }
};

// U_1 = HMAC(password, salt || INT(index)): a message of any length, through Update/Final.
void first_u(const KeyedStates& keyed, std::span<const std::uint8_t> salt, std::uint32_t index,
             std::uint8_t* u) {
    std::array<std::uint8_t, 4> counter{};
    store_be32(counter.data(), index);
    SHA256_CTX state = keyed.inner;
    SHA256_Update(&state, salt.data(), salt.size());
    SHA256_Update(&state, counter.data(), counter.size());
    SHA256_Final(u, &state);
    state = keyed.outer;
    SHA256_Update(&state, u, digest_size);
    SHA256_Final(u, &state);
    OPENSSL_cleanse(&state, sizeof state);
}

// One output block T_index = U_1 XOR ... XOR U_iterations. From U_2 on, every HMAC message is
// a 32-byte digest after the 64-byte key block: one padded block of fixed layout, so each
// iteration is a copy of a keyed state and one compression, inner then outer.
void derive_block(const KeyedStates& keyed, std::span<const std::uint8_t> salt,
                  std::uint64_t iterations, std::uint32_t index, std::uint8_t* t) {
    std::array<std::uint8_t, block_size> message{};
    message[digest_size] = 0x80;  // padding after the digest; length 96 bytes = 0x300 bits
    message[block_size - 2] = 0x03;
    std::uint8_t* u = message.data();
    first_u(keyed, salt, index, u);
    std::copy_n(u, digest_size, t);
    SHA256_CTX state{};
    for (std::uint64_t i = 1; i < iterations; ++i) {
        state = keyed.inner;
        SHA256_Transform(&state, message.data());
        state_digest(state, u);
        state = keyed.outer;
        SHA256_Transform(&state, message.data());
        state_digest(state, u);
        for (std::size_t k = 0; k < digest_size; ++k)
            t[k] ^= u[k];
    }
    OPENSSL_cleanse(&state, sizeof state);
    OPENSSL_cleanse(message.data(), message.size());
}

}  // namespace

Secret pbkdf2_hmac_sha256(std::span<const std::uint8_t> password,
                          std::span<const std::uint8_t> salt, std::uint64_t iterations,
                          std::size_t key_length) {
    const KeyedStates keyed(password);
    Secret out = Secret::zeroed(key_length);
    std::array<std::uint8_t, digest_size> t{};
    std::uint32_t index = 1;
    for (std::size_t done = 0; done < key_length; done += digest_size, ++index) {
        derive_block(keyed, salt, iterations, index, t.data());
        std::copy_n(t.begin(), std::min(digest_size, key_length - done),
                    out.mutable_bytes().begin() + static_cast<std::ptrdiff_t>(done));
    }
    OPENSSL_cleanse(t.data(), t.size());
    return out;
}

}  // namespace hwtotp::store::crypto
