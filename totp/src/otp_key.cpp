// The only file that touches OpenSSL's block-level SHA functions.
//
// OpenSSL 3 deprecates SHA*_Init/SHA*_Transform in favour of EVP, but EVP offers no way to
// snapshot a digest state cheaply: EVP_MD_CTX_copy_ex allocates a provider context per copy on
// OpenSSL 3.0. Copying a plain SHA_CTX and running SHA1_Transform (OpenSSL's SHA-NI/AVX code,
// not ours) is what makes a code cost two compressions, so this adapter opts out of the
// deprecation warnings locally. Everything else in hwtotp uses EVP.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "hwtotp/totp/otp_key.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "secure_alloc.h"

namespace hwtotp {
namespace {

// What the precomputation needs to know about one hash function.
struct Sha1Block {
    using State = SHA_CTX;
    static constexpr std::size_t block_size = 64;
    static constexpr std::size_t digest_size = 20;
    static constexpr std::size_t length_field = 8;  // bytes of the bit-length trailer
    static void init(State* s) { SHA1_Init(s); }
    static void compress(State* s, const std::uint8_t* block) { SHA1_Transform(s, block); }
    static void digest(const State& s, std::uint8_t* out) {
        const std::array<SHA_LONG, 5> h{s.h0, s.h1, s.h2, s.h3, s.h4};
        for (std::size_t i = 0; i < h.size(); ++i) {
            store_be32(out + 4 * i, h[i]);
        }
    }
    static const EVP_MD* md() { return EVP_sha1(); }
    static void store_be32(std::uint8_t* p, std::uint32_t v) {
        p[0] = static_cast<std::uint8_t>(v >> 24);
        p[1] = static_cast<std::uint8_t>(v >> 16);
        p[2] = static_cast<std::uint8_t>(v >> 8);
        p[3] = static_cast<std::uint8_t>(v);
    }
};

struct Sha256Block {
    using State = SHA256_CTX;
    static constexpr std::size_t block_size = 64;
    static constexpr std::size_t digest_size = 32;
    static constexpr std::size_t length_field = 8;
    static void init(State* s) { SHA256_Init(s); }
    static void compress(State* s, const std::uint8_t* block) { SHA256_Transform(s, block); }
    static void digest(const State& s, std::uint8_t* out) {
        for (std::size_t i = 0; i < 8; ++i) {
            Sha1Block::store_be32(out + 4 * i, s.h[i]);
        }
    }
    static const EVP_MD* md() { return EVP_sha256(); }
};

struct Sha512Block {
    using State = SHA512_CTX;
    static constexpr std::size_t block_size = 128;
    static constexpr std::size_t digest_size = 64;
    static constexpr std::size_t length_field = 16;
    static void init(State* s) { SHA512_Init(s); }
    static void compress(State* s, const std::uint8_t* block) { SHA512_Transform(s, block); }
    static void digest(const State& s, std::uint8_t* out) {
        for (std::size_t i = 0; i < 8; ++i) {
            Sha1Block::store_be32(out + 8 * i, static_cast<std::uint32_t>(s.h[i] >> 32));
            Sha1Block::store_be32(out + 8 * i + 4, static_cast<std::uint32_t>(s.h[i]));
        }
    }
    static const EVP_MD* md() { return EVP_sha512(); }
};

// Writes the Merkle-Damgard trailer into a final block: 0x80 after `used` message bytes, zeros,
// then the total message length in bits, big-endian, in the last `length_field` bytes.
template <typename H>
void pad_final_block(std::uint8_t* block, std::size_t used, std::uint64_t total_bytes) {
    std::memset(block + used, 0, H::block_size - used);
    block[used] = 0x80;
    const std::uint64_t bits = total_bytes * 8;
    for (std::size_t i = 0; i < 8; ++i) {
        block[H::block_size - 1 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
    }
}

inline std::uint32_t dynamic_truncation(const std::uint8_t* digest, std::size_t size) {
    // RFC 4226 section 5.3: the offset comes from the low nibble of the digest's last byte.
    const std::size_t offset = digest[size - 1] & 0x0fU;
    return (static_cast<std::uint32_t>(digest[offset] & 0x7fU) << 24) |
           (static_cast<std::uint32_t>(digest[offset + 1]) << 16) |
           (static_cast<std::uint32_t>(digest[offset + 2]) << 8) |
           static_cast<std::uint32_t>(digest[offset + 3]);
}

// Reused per call or per scan: the two final blocks, with their padding written once.
template <typename H>
struct Scratch {
    std::array<std::uint8_t, H::block_size> inner{};
    std::array<std::uint8_t, H::block_size> outer{};
    std::array<std::uint8_t, H::digest_size> digest{};
    typename H::State state{};

    Scratch() {
        pad_final_block<H>(inner.data(), 8, H::block_size + 8);
        pad_final_block<H>(outer.data(), H::digest_size, H::block_size + H::digest_size);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    ~Scratch() {
        wipe_memory(inner.data(), inner.size());
        wipe_memory(outer.data(), outer.size());
        wipe_memory(digest.data(), digest.size());
        wipe_memory(&state, sizeof state);
    }
};

// The prepared inner/outer states are as good as the key: they live in OpenSSL's secure heap
// (mlock'd, guard pages) when main() set one up, else on the normal heap; wiped when freed
// either way. Only construction allocates: computing a code copies the states to the stack.
class PreparedBase {
  public:
    virtual ~PreparedBase() = default;
    static void* operator new(std::size_t size) { return detail::secure_zalloc(size); }
    static void operator delete(void* p, std::size_t size) noexcept {
        detail::secure_clear_free(p, size);
    }
    virtual void hmac(std::uint64_t counter, std::uint8_t* out) const = 0;
    virtual std::uint32_t truncated(std::uint64_t counter) const = 0;
    virtual std::vector<std::uint64_t> find(std::uint64_t first, std::uint64_t last,
                                            std::uint32_t modulus, std::uint32_t target,
                                            std::size_t max_matches) const = 0;
};

template <typename H>
class Prepared final : public PreparedBase {
  public:
    explicit Prepared(std::span<const std::uint8_t> key) {
        std::array<std::uint8_t, H::block_size> block{};
        if (key.size() > H::block_size) {
            unsigned int len = 0;
            EVP_Digest(key.data(), key.size(), block.data(), &len, H::md(), nullptr);
        } else {
            std::copy(key.begin(), key.end(), block.begin());
        }
        std::array<std::uint8_t, H::block_size> pad{};
        for (std::size_t i = 0; i < H::block_size; ++i) {
            pad[i] = block[i] ^ 0x36U;
        }
        H::init(&inner_);
        H::compress(&inner_, pad.data());
        for (std::size_t i = 0; i < H::block_size; ++i) {
            pad[i] = block[i] ^ 0x5cU;
        }
        H::init(&outer_);
        H::compress(&outer_, pad.data());
        wipe_memory(block.data(), block.size());
        wipe_memory(pad.data(), pad.size());
    }
    Prepared(const Prepared&) = delete;
    Prepared& operator=(const Prepared&) = delete;
    ~Prepared() override {
        wipe_memory(&inner_, sizeof inner_);
        wipe_memory(&outer_, sizeof outer_);
    }

    void hmac(std::uint64_t counter, std::uint8_t* out) const override {
        Scratch<H> s;
        run(s, counter);
        std::copy(s.digest.begin(), s.digest.end(), out);
    }

    std::uint32_t truncated(std::uint64_t counter) const override {
        Scratch<H> s;
        run(s, counter);
        return dynamic_truncation(s.digest.data(), H::digest_size);
    }

    std::vector<std::uint64_t> find(std::uint64_t first, std::uint64_t last, std::uint32_t modulus,
                                    std::uint32_t target, std::size_t max_matches) const override {
        // A constant modulus lets the compiler replace the division in the scan loop by a
        // multiplication (a 32-bit division is a sizeable share of a code's cost).
        switch (modulus) {
            case 1'000'000:
                return find_mod<1'000'000>(first, last, target, max_matches);
            case 10'000'000:
                return find_mod<10'000'000>(first, last, target, max_matches);
            case 100'000'000:
                return find_mod<100'000'000>(first, last, target, max_matches);
            default:
                return find_any(first, last, modulus, target, max_matches);
        }
    }

  private:
    template <std::uint32_t Modulus>
    std::vector<std::uint64_t> find_mod(std::uint64_t first, std::uint64_t last,
                                        std::uint32_t target, std::size_t max_matches) const {
        return find_any(first, last, Modulus, target, max_matches);
    }

    // Inlined into each find_mod instantiation, where `modulus` is a constant.
    [[gnu::always_inline]] inline std::vector<std::uint64_t> find_any(
        std::uint64_t first, std::uint64_t last, std::uint32_t modulus, std::uint32_t target,
        std::size_t max_matches) const {
        std::vector<std::uint64_t> matches;
        std::array<Scratch<H>, lanes> s;
        // Integer comparison of the reduced value: no early exit over digits. True when the
        // scan is done (enough matches).
        auto check = [&](const Scratch<H>& scratch, std::uint64_t c) {
            if (dynamic_truncation(scratch.digest.data(), H::digest_size) % modulus == target) {
                matches.push_back(c);
                return matches.size() >= max_matches;
            }
            return false;
        };
        std::uint64_t c = first;
        while (last - c >= lanes - 1) {  // c + lanes - 1 <= last: no overflow
            run_lanes(s, c);
            for (std::size_t l = 0; l < lanes; ++l) {
                if (check(s[l], c + l))
                    return matches;
            }
            if (c + (lanes - 1) == last)
                return matches;
            c += lanes;
        }
        for (;; ++c) {
            run(s[0], c);
            if (check(s[0], c) || c == last)
                break;
        }
        return matches;
    }

    // Two compressions: the counter block on a copy of the inner state, then the inner digest
    // on a copy of the outer state.
    void run(Scratch<H>& s, std::uint64_t counter) const {
        for (std::size_t i = 0; i < 8; ++i) {
            s.inner[7 - i] = static_cast<std::uint8_t>(counter >> (8 * i));
        }
        s.state = inner_;
        H::compress(&s.state, s.inner.data());
        H::digest(s.state, s.outer.data());
        s.state = outer_;
        H::compress(&s.state, s.outer.data());
        H::digest(s.state, s.digest.data());
    }

    // Codes computed together in a scan. Each code is one long dependency chain (the outer
    // compression needs the inner digest) and a single chain leaves the SHA unit mostly
    // waiting; issuing several codes' compressions back to back lets the core's out-of-order
    // window run them together.
    static constexpr std::size_t lanes = 4;

    void run_lanes(std::array<Scratch<H>, lanes>& s, std::uint64_t first) const {
        for (std::size_t l = 0; l < lanes; ++l) {
            const std::uint64_t counter = first + l;
            for (std::size_t i = 0; i < 8; ++i)
                s[l].inner[7 - i] = static_cast<std::uint8_t>(counter >> (8 * i));
            s[l].state = inner_;
        }
        for (std::size_t l = 0; l < lanes; ++l)
            H::compress(&s[l].state, s[l].inner.data());
        for (std::size_t l = 0; l < lanes; ++l) {
            H::digest(s[l].state, s[l].outer.data());
            s[l].state = outer_;
        }
        for (std::size_t l = 0; l < lanes; ++l)
            H::compress(&s[l].state, s[l].outer.data());
        for (std::size_t l = 0; l < lanes; ++l)
            H::digest(s[l].state, s[l].digest.data());
    }

    typename H::State inner_{};
    typename H::State outer_{};
};

}  // namespace

class OtpKey::Impl {
  public:
    std::unique_ptr<PreparedBase> prepared;
};

OtpKey::OtpKey(Hash hash, std::unique_ptr<Impl> impl) : hash_(hash), impl_(std::move(impl)) {}
OtpKey::OtpKey(OtpKey&&) noexcept = default;
OtpKey& OtpKey::operator=(OtpKey&&) noexcept = default;
OtpKey::~OtpKey() = default;

Result<OtpKey> OtpKey::create(const Secret& key, Hash hash) {
    if (key.empty()) {
        return fail(ErrorCode::invalid_input, "the key is empty (a token seed has 1 byte or more)");
    }
    auto impl = std::make_unique<Impl>();
    switch (hash) {
        case Hash::sha1:
            impl->prepared = std::make_unique<Prepared<Sha1Block>>(key.expose());
            break;
        case Hash::sha256:
            impl->prepared = std::make_unique<Prepared<Sha256Block>>(key.expose());
            break;
        case Hash::sha512:
            impl->prepared = std::make_unique<Prepared<Sha512Block>>(key.expose());
            break;
    }
    return OtpKey(hash, std::move(impl));
}

void OtpKey::hmac(std::uint64_t counter, std::span<std::uint8_t> out) const {
    if (out.size() < digest_size(hash_)) {
        std::abort();  // caller bug: the buffer must hold the whole digest
    }
    impl_->prepared->hmac(counter, out.data());
}

std::uint32_t OtpKey::truncated(std::uint64_t counter) const {
    return impl_->prepared->truncated(counter);
}

Code OtpKey::code(std::uint64_t counter, int digits) const {
    return Code::from_value(truncated(counter), digits);
}

std::vector<std::uint64_t> OtpKey::find(std::uint64_t first, std::uint64_t last, const Code& code,
                                        std::size_t max_matches) const {
    if (first > last || max_matches == 0) {
        return {};
    }
    return impl_->prepared->find(first, last, power_of_ten(code.length()), code.value(),
                                 max_matches);
}

}  // namespace hwtotp
