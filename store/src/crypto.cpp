// OpenSSL adapter for the store: AES-256-GCM seed sealing, PSKC ciphers, HMAC, PBKDF2.

#include "crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <utility>

#include "hwtotp/totp/openssl_error.h"

namespace hwtotp::store::crypto {
namespace {

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
struct CipherFree {
    void operator()(EVP_CIPHER* cipher) const { EVP_CIPHER_free(cipher); }
};
struct MacCtxFree {
    void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
struct MacFree {
    void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct KdfFree {
    void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
};
struct KdfCtxFree {
    void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, CipherFree>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;
using MacPtr = std::unique_ptr<EVP_MAC, MacFree>;
using KdfPtr = std::unique_ptr<EVP_KDF, KdfFree>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, KdfCtxFree>;

Result<int> to_int(std::size_t size) {
    if (size > static_cast<std::size_t>(INT_MAX))
        return fail(ErrorCode::invalid_input, "encrypted value too large");
    return static_cast<int>(size);
}

Error wrong_key() {
    ERR_clear_error();
    return Error{ErrorCode::crypto, "wrong key or password (the value does not decrypt)"};
}

}  // namespace

Result<void> random_bytes(std::span<std::uint8_t> out) {
    auto size = to_int(out.size());
    if (!size)
        return tl::unexpected(size.error());
    if (RAND_bytes(out.data(), *size) != 1)
        return fail(ErrorCode::crypto, openssl_error("random number generator failed"));
    return {};
}

bool equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

// Random values drawn from RAND_bytes `count` at a time: one RAND_bytes call costs about as much
// as sealing or encrypting a seed, and imports and exports handle one seed per key. Every value
// is still fresh CSPRNG output, handed out once and wiped from the pool as it leaves.
template <std::size_t value_size, std::size_t count>
class RandomDraws {
  public:
    RandomDraws() = default;
    RandomDraws(const RandomDraws&) = delete;
    RandomDraws& operator=(const RandomDraws&) = delete;
    ~RandomDraws() { wipe_memory(pool_.data(), pool_.size()); }

    // Writes the next value_size bytes to `out`.
    Result<void> take(std::uint8_t* out) {
        if (left_ == 0) {
            HWTOTP_TRY(random_bytes(pool_));
            left_ = count;
        }
        --left_;
        std::uint8_t* value = pool_.data() + left_ * value_size;
        std::copy_n(value, value_size, out);
        wipe_memory(value, value_size);
        return {};
    }

  private:
    std::array<std::uint8_t, value_size * count> pool_{};
    std::size_t left_ = 0;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// SeedBox

class SeedBox::Impl {
  public:
    Secret key;
    CipherPtr cipher;
    // One context per direction, each keyed once in create(): re-keying per record would
    // redo the AES key schedule and GHASH table for every seed; per record only the nonce is set.
    CipherCtxPtr encrypt;
    CipherCtxPtr decrypt;
    RandomDraws<gcm_nonce_size, 64> nonces;
};

SeedBox::SeedBox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SeedBox::SeedBox(SeedBox&&) noexcept = default;
SeedBox& SeedBox::operator=(SeedBox&&) noexcept = default;
SeedBox::~SeedBox() = default;

void warm_up_seed_cipher() noexcept {
    EVP_CIPHER_free(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
    ERR_clear_error();
}

Result<SeedBox> SeedBox::create(const Secret& key) {
    if (key.size() != master_key_size)
        return fail(ErrorCode::registry, "the master key must be exactly 32 bytes");
    auto impl = std::make_unique<Impl>();
    impl->key = key.clone();
    impl->cipher.reset(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
    impl->encrypt.reset(EVP_CIPHER_CTX_new());
    impl->decrypt.reset(EVP_CIPHER_CTX_new());
    if (!impl->cipher || !impl->encrypt || !impl->decrypt)
        return fail(ErrorCode::crypto, openssl_error("AES-256-GCM is unavailable"));
    const std::uint8_t* k = impl->key.expose().data();
    if (EVP_EncryptInit_ex2(impl->encrypt.get(), impl->cipher.get(), k, nullptr, nullptr) != 1 ||
        EVP_DecryptInit_ex2(impl->decrypt.get(), impl->cipher.get(), k, nullptr, nullptr) != 1)
        return fail(ErrorCode::crypto, openssl_error("AES-256-GCM key setup failed"));
    return SeedBox(std::move(impl));
}

Result<SeedBox> SeedBox::another() const {
    return create(impl_->key);
}

Result<SeedBox::Sealed> SeedBox::seal(std::span<const std::uint8_t> plaintext,
                                      std::span<const std::uint8_t> aad) {
    Sealed sealed;
    sealed.nonce.resize(gcm_nonce_size);
    if (auto ok = impl_->nonces.take(sealed.nonce.data()); !ok)
        return tl::unexpected(ok.error());
    auto pt_len = to_int(plaintext.size());
    auto aad_len = to_int(aad.size());
    if (!pt_len || !aad_len)
        return fail(ErrorCode::invalid_input, "value too large to seal");
    EVP_CIPHER_CTX* ctx = impl_->encrypt.get();
    sealed.ciphertext.resize(plaintext.size() + gcm_tag_size);
    int out_len = 0;
    int final_len = 0;
    // Cipher and key stay from create(): this call sets the fresh nonce and resets the state.
    if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, sealed.nonce.data(), nullptr) != 1 ||
        (!aad.empty() && EVP_EncryptUpdate(ctx, nullptr, &out_len, aad.data(), *aad_len) != 1) ||
        EVP_EncryptUpdate(ctx, sealed.ciphertext.data(), &out_len, plaintext.data(), *pt_len) !=
            1 ||
        EVP_EncryptFinal_ex(ctx, sealed.ciphertext.data() + out_len, &final_len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(gcm_tag_size),
                            sealed.ciphertext.data() + plaintext.size()) != 1) {
        return fail(ErrorCode::crypto, openssl_error("sealing a seed failed"));
    }
    return sealed;
}

Result<Secret> SeedBox::open(std::span<const std::uint8_t> nonce,
                             std::span<const std::uint8_t> ciphertext,
                             std::span<const std::uint8_t> aad) {
    if (nonce.size() != gcm_nonce_size || ciphertext.size() < gcm_tag_size)
        return fail(ErrorCode::crypto, "sealed seed is truncated");
    const std::size_t body = ciphertext.size() - gcm_tag_size;
    auto body_len = to_int(body);
    auto aad_len = to_int(aad.size());
    if (!body_len || !aad_len)
        return fail(ErrorCode::crypto, "sealed seed too large");
    Secret plain = Secret::zeroed(body);
    std::array<std::uint8_t, gcm_tag_size> tag{};
    std::copy(ciphertext.begin() + static_cast<std::ptrdiff_t>(body), ciphertext.end(),
              tag.begin());
    EVP_CIPHER_CTX* ctx = impl_->decrypt.get();
    int out_len = 0;
    int final_len = 0;
    if (EVP_DecryptInit_ex2(ctx, nullptr, nullptr, nonce.data(), nullptr) != 1 ||
        (!aad.empty() && EVP_DecryptUpdate(ctx, nullptr, &out_len, aad.data(), *aad_len) != 1) ||
        (body > 0 && EVP_DecryptUpdate(ctx, plain.mutable_bytes().data(), &out_len,
                                       ciphertext.data(), *body_len) != 1) ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(gcm_tag_size),
                            tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx, plain.mutable_bytes().data() + out_len, &final_len) != 1) {
        ERR_clear_error();
        return fail(ErrorCode::crypto, "sealed seed does not open (wrong key or tampered record)");
    }
    return plain;
}

// ---------------------------------------------------------------------------------------------
// PSKC ciphers

Result<Cipher> parse_cipher_uri(std::string_view uri) {
    const auto hash = uri.rfind('#');
    std::string name(hash == std::string_view::npos ? uri : uri.substr(hash + 1));
    for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "aes128-cbc")
        return Cipher::aes128_cbc;
    if (name == "aes192-cbc")
        return Cipher::aes192_cbc;
    if (name == "aes256-cbc")
        return Cipher::aes256_cbc;
    if (name == "kw-aes128")
        return Cipher::kw_aes128;
    if (name == "kw-aes192")
        return Cipher::kw_aes192;
    if (name == "kw-aes256")
        return Cipher::kw_aes256;
    return fail(ErrorCode::invalid_input,
                "unsupported encryption algorithm '" + std::string(uri) +
                    "' (accepted: aes128-cbc, aes192-cbc, aes256-cbc, kw-aes128, kw-aes192, "
                    "kw-aes256)");
}

std::size_t cipher_key_size(Cipher cipher) {
    switch (cipher) {
        case Cipher::aes128_cbc:
        case Cipher::kw_aes128:
            return 16;
        case Cipher::aes192_cbc:
        case Cipher::kw_aes192:
            return 24;
        case Cipher::aes256_cbc:
        case Cipher::kw_aes256:
            return 32;
    }
    return 0;
}

bool cipher_is_cbc(Cipher cipher) {
    return cipher == Cipher::aes128_cbc || cipher == Cipher::aes192_cbc ||
           cipher == Cipher::aes256_cbc;
}

namespace {
const char* openssl_cipher_name(Cipher cipher) {
    switch (cipher) {
        case Cipher::aes128_cbc:
            return "AES-128-CBC";
        case Cipher::aes192_cbc:
            return "AES-192-CBC";
        case Cipher::aes256_cbc:
            return "AES-256-CBC";
        case Cipher::kw_aes128:
            return "id-aes128-wrap";
        case Cipher::kw_aes192:
            return "id-aes192-wrap";
        case Cipher::kw_aes256:
            return "id-aes256-wrap";
    }
    return "";
}

// What both value ciphers start with: the key checked against the cipher's size and kept, the
// cipher fetched and a context made for it. `needs` names whose cipher it is in the refusal.
template <typename Impl>
Result<void> keep_key_and_fetch(Impl& impl, Cipher cipher, const Secret& key,
                                std::string_view needs) {
    if (key.size() != cipher_key_size(cipher)) {
        return fail(ErrorCode::invalid_input, "the key is " + std::to_string(key.size()) +
                                                  " bytes; " + std::string(needs) + " needs " +
                                                  std::to_string(cipher_key_size(cipher)));
    }
    impl.cipher = cipher;
    impl.key = key.clone();
    impl.evp.reset(EVP_CIPHER_fetch(nullptr, openssl_cipher_name(cipher), nullptr));
    impl.ctx.reset(EVP_CIPHER_CTX_new());
    if (!impl.evp || !impl.ctx)
        return fail(ErrorCode::crypto, openssl_error("cipher unavailable"));
    return {};
}
}  // namespace

class ValueDecryptor::Impl {
  public:
    Cipher cipher = Cipher::aes128_cbc;
    Secret key;
    CipherPtr evp;
    CipherPtr evp_pad;  // key wrap only: RFC 5649 padded wrap under the same URI
    CipherCtxPtr ctx;

    // One key-unwrap attempt; false when the integrity check fails.
    bool unwrap(EVP_CIPHER* wrap, std::span<const std::uint8_t> data, Secret& out) {
        int len = 0;
        int final_len = 0;
        auto data_len = to_int(data.size());
        if (!data_len)
            return false;
        Secret buffer = Secret::zeroed(data.size() + 16);
        if (EVP_DecryptInit_ex2(ctx.get(), wrap, key.expose().data(), nullptr, nullptr) != 1 ||
            EVP_DecryptUpdate(ctx.get(), buffer.mutable_bytes().data(), &len, data.data(),
                              *data_len) != 1 ||
            len <= 0 ||
            EVP_DecryptFinal_ex(ctx.get(), buffer.mutable_bytes().data() + len, &final_len) != 1) {
            ERR_clear_error();
            return false;
        }
        out = Secret(buffer.expose().first(static_cast<std::size_t>(len + final_len)));
        return true;
    }
};

ValueDecryptor::ValueDecryptor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ValueDecryptor::ValueDecryptor(ValueDecryptor&&) noexcept = default;
ValueDecryptor& ValueDecryptor::operator=(ValueDecryptor&&) noexcept = default;
ValueDecryptor::~ValueDecryptor() = default;

Cipher ValueDecryptor::cipher() const {
    return impl_->cipher;
}

Result<ValueDecryptor> ValueDecryptor::create(Cipher cipher, const Secret& key) {
    auto impl = std::make_unique<Impl>();
    HWTOTP_TRY(keep_key_and_fetch(*impl, cipher, key, "the file's cipher"));
    if (!cipher_is_cbc(cipher)) {
        const char* padded = cipher == Cipher::kw_aes128   ? "id-aes128-wrap-pad"
                             : cipher == Cipher::kw_aes192 ? "id-aes192-wrap-pad"
                                                           : "id-aes256-wrap-pad";
        impl->evp_pad.reset(EVP_CIPHER_fetch(nullptr, padded, nullptr));
        if (!impl->evp_pad)
            return fail(ErrorCode::crypto, openssl_error("padded key wrap unavailable"));
    }
    EVP_CIPHER_CTX_set_flags(impl->ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    // CBC: the key schedule is set up once here; decrypt() sets only each value's IV.
    if (cipher_is_cbc(cipher) &&
        EVP_DecryptInit_ex2(impl->ctx.get(), impl->evp.get(), impl->key.expose().data(), nullptr,
                            nullptr) != 1)
        return fail(ErrorCode::crypto, openssl_error("cipher initialisation failed"));
    return ValueDecryptor(std::move(impl));
}

Result<Secret> ValueDecryptor::decrypt(std::span<const std::uint8_t> data) {
    EVP_CIPHER_CTX* ctx = impl_->ctx.get();
    if (cipher_is_cbc(impl_->cipher)) {
        constexpr std::size_t block = 16;
        if (data.size() < 2 * block || data.size() % block != 0)
            return fail(ErrorCode::crypto,
                        "encrypted value is truncated (CBC needs a 16-byte IV and whole blocks)");
        const auto body = data.subspan(block);
        auto body_len = to_int(body.size());
        if (!body_len)
            return tl::unexpected(body_len.error());
        Secret out = Secret::zeroed(body.size());
        int len = 0;
        int final_len = 0;
        if (EVP_DecryptInit_ex2(ctx, nullptr, nullptr, data.data(), nullptr) != 1)
            return fail(ErrorCode::crypto, openssl_error("cipher initialisation failed"));
        if (EVP_DecryptUpdate(ctx, out.mutable_bytes().data(), &len, body.data(), *body_len) != 1 ||
            EVP_DecryptFinal_ex(ctx, out.mutable_bytes().data() + len, &final_len) != 1) {
            return tl::unexpected(wrong_key());
        }
        out.truncate(static_cast<std::size_t>(len + final_len));  // the padding
        return out;
    }
    // RFC 3394 key wrap (8-byte integrity block, 64-bit semiblocks); python-pskc and others
    // switch to RFC 5649 padded wrap for keys that are not a multiple of 8 bytes, under the same
    // URI. Both carry their own integrity check, so a wrong key fails either way.
    if (data.size() < 16 || data.size() % 8 != 0)
        return fail(ErrorCode::crypto, "wrapped value is truncated (key wrap needs 8-byte blocks)");
    Secret out;
    if (data.size() >= 24 && impl_->unwrap(impl_->evp.get(), data, out))
        return out;
    if (impl_->unwrap(impl_->evp_pad.get(), data, out))
        return out;
    return tl::unexpected(wrong_key());
}

class ValueEncryptor::Impl {
  public:
    static constexpr std::size_t iv_size = 16;

    Cipher cipher = Cipher::aes128_cbc;
    Secret key;
    CipherPtr evp;
    CipherCtxPtr ctx;
    RandomDraws<iv_size, 64> ivs;
};

ValueEncryptor::ValueEncryptor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ValueEncryptor::ValueEncryptor(ValueEncryptor&&) noexcept = default;
ValueEncryptor& ValueEncryptor::operator=(ValueEncryptor&&) noexcept = default;
ValueEncryptor::~ValueEncryptor() = default;

Result<ValueEncryptor> ValueEncryptor::create(Cipher cipher, const Secret& key) {
    if (!cipher_is_cbc(cipher))
        return fail(ErrorCode::internal, "values are encrypted with AES-CBC only");
    auto impl = std::make_unique<Impl>();
    HWTOTP_TRY(keep_key_and_fetch(*impl, cipher, key, "the cipher"));
    // The key schedule is set up once here; encrypt() sets only each value's IV.
    if (EVP_EncryptInit_ex2(impl->ctx.get(), impl->evp.get(), impl->key.expose().data(), nullptr,
                            nullptr) != 1)
        return fail(ErrorCode::crypto, openssl_error("cipher initialisation failed"));
    return ValueEncryptor(std::move(impl));
}

Result<void> ValueEncryptor::encrypt(std::span<const std::uint8_t> plain,
                                     std::vector<std::uint8_t>& out) {
    constexpr std::size_t block = Impl::iv_size;
    HWTOTP_ASSIGN_OR_RETURN(const int plain_len, to_int(plain.size()));
    out.resize(block + plain.size() + block);
    HWTOTP_TRY(impl_->ivs.take(out.data()));
    EVP_CIPHER_CTX* ctx = impl_->ctx.get();
    int len = 0;
    int final_len = 0;
    if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, out.data(), nullptr) != 1 ||
        EVP_EncryptUpdate(ctx, out.data() + block, &len, plain.data(), plain_len) != 1 ||
        EVP_EncryptFinal_ex(ctx, out.data() + block + len, &final_len) != 1)
        return fail(ErrorCode::crypto, openssl_error("encryption failed"));
    out.resize(block + static_cast<std::size_t>(len + final_len));
    return {};
}

Result<ValueEncryptor> ValueEncryptor::clone() const {
    return create(impl_->cipher, impl_->key);
}

std::string_view cipher_uri(Cipher cipher) {
    switch (cipher) {
        case Cipher::aes128_cbc:
            return "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
        case Cipher::aes192_cbc:
            return "http://www.w3.org/2001/04/xmlenc#aes192-cbc";
        case Cipher::aes256_cbc:
            return "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
        case Cipher::kw_aes128:
            return "http://www.w3.org/2001/04/xmlenc#kw-aes128";
        case Cipher::kw_aes192:
            return "http://www.w3.org/2001/04/xmlenc#kw-aes192";
        case Cipher::kw_aes256:
            return "http://www.w3.org/2001/04/xmlenc#kw-aes256";
    }
    return "";
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
    std::string out;
    append_base64(out, bytes);
    return out;
}

void append_base64(std::string& out, std::span<const std::uint8_t> bytes) {
    const std::size_t start = out.size();
    out.resize(start + 4 * ((bytes.size() + 2) / 3) + 1);
    // EVP_EncodeBlock writes no line breaks and a terminating NUL; its length argument is int.
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + start),
                                        bytes.data(), static_cast<int>(bytes.size()));
    out.resize(start + static_cast<std::size_t>(written));
}

// ---------------------------------------------------------------------------------------------
// HMAC and PBKDF2

class Hmac::Impl {
  public:
    MacPtr mac;
    MacCtxPtr ctx;
    std::size_t size = 0;
};

Hmac::Hmac(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Hmac::Hmac(Hmac&&) noexcept = default;
Hmac& Hmac::operator=(Hmac&&) noexcept = default;
Hmac::~Hmac() = default;

Result<Hmac> Hmac::create(std::string_view digest, const Secret& key) {
    auto impl = std::make_unique<Impl>();
    impl->mac.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!impl->mac)
        return fail(ErrorCode::crypto, openssl_error("HMAC unavailable"));
    impl->ctx.reset(EVP_MAC_CTX_new(impl->mac.get()));
    if (!impl->ctx)
        return fail(ErrorCode::crypto, openssl_error("HMAC context"));
    std::string name(digest);
    const std::array<OSSL_PARAM, 2> params{
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, name.data(), 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(impl->ctx.get(), key.expose().data(), key.size(), params.data()) != 1)
        return fail(ErrorCode::crypto, openssl_error("HMAC-" + name + " initialisation failed"));
    impl->size = EVP_MAC_CTX_get_mac_size(impl->ctx.get());
    return Hmac(std::move(impl));
}

Result<Hmac> Hmac::clone() const {
    auto impl = std::make_unique<Impl>();
    // The fetched algorithm is shared (counted); the context, keyed, is copied.
    if (EVP_MAC_up_ref(impl_->mac.get()) == 1)
        impl->mac.reset(impl_->mac.get());
    impl->ctx.reset(EVP_MAC_CTX_dup(impl_->ctx.get()));
    if (!impl->mac || !impl->ctx)
        return fail(ErrorCode::crypto, openssl_error("HMAC context"));
    impl->size = impl_->size;
    return Hmac(std::move(impl));
}

Result<std::vector<std::uint8_t>> Hmac::mac(std::span<const std::uint8_t> data) {
    std::vector<std::uint8_t> out;
    HWTOTP_TRY(mac(data, out));
    return out;
}

Result<void> Hmac::mac(std::span<const std::uint8_t> data, std::vector<std::uint8_t>& out) {
    out.resize(impl_->size);
    std::size_t out_len = 0;
    // A NULL key re-initialises with the key already set.
    if (EVP_MAC_init(impl_->ctx.get(), nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(impl_->ctx.get(), data.data(), data.size()) != 1 ||
        EVP_MAC_final(impl_->ctx.get(), out.data(), &out_len, out.size()) != 1) {
        return fail(ErrorCode::crypto, openssl_error("HMAC failed"));
    }
    out.resize(out_len);
    return {};
}

Result<Secret> pbkdf2(const Secret& password, std::span<const std::uint8_t> salt,
                      std::uint64_t iterations, std::size_t key_length, std::string_view digest) {
    if (iterations < 1 || iterations > 100'000'000)
        return fail(ErrorCode::invalid_input, "PBKDF2 iteration count out of range (1..100000000)");
    if (key_length < 1 || key_length > 64)
        return fail(ErrorCode::invalid_input, "PBKDF2 key length out of range (1..64 bytes)");
    KdfPtr kdf(EVP_KDF_fetch(nullptr, "PBKDF2", nullptr));
    if (!kdf)
        return fail(ErrorCode::crypto, openssl_error("PBKDF2 unavailable"));
    KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
    if (!ctx)
        return fail(ErrorCode::crypto, openssl_error("PBKDF2 context"));
    std::string name(digest);
    std::uint64_t iter = iterations;
    int pkcs5_mode = 1;  // 1 = no SP 800-132 lower bounds (RFC 6030 uses an 8-byte salt)
    std::vector<std::uint8_t> salt_copy(salt.begin(), salt.end());
    const std::array<OSSL_PARAM, 6> params{
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                          const_cast<std::uint8_t*>(password.expose().data()),
                                          password.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_copy.data(), salt_copy.size()),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_ITER, &iter),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, name.data(), 0),
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_PKCS5, &pkcs5_mode),
        OSSL_PARAM_construct_end()};
    Secret out = Secret::zeroed(key_length);
    if (EVP_KDF_derive(ctx.get(), out.mutable_bytes().data(), key_length, params.data()) != 1)
        return fail(ErrorCode::crypto, openssl_error("PBKDF2 failed"));
    return out;
}

}  // namespace hwtotp::store::crypto
