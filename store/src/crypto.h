#pragma once
// The store's OpenSSL adapter: the only file that includes the cipher, MAC and KDF headers.
//
// Contexts are created once and reused for every record (an import of 100,000 keys must not
// fetch algorithms or allocate contexts per key). None of these objects is thread-safe.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/totp/error.h"
#include "hwtotp/totp/params.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::store::crypto {

inline constexpr std::size_t gcm_nonce_size = 12;
inline constexpr std::size_t gcm_tag_size = 16;
inline constexpr std::size_t master_key_size = 32;

// Fills `out` from the OpenSSL CSPRNG.
[[nodiscard]] Result<void> random_bytes(std::span<std::uint8_t> out);

// Constant-time equality (CRYPTO_memcmp); different lengths are unequal.
[[nodiscard]] bool equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

// Makes OpenSSL ready for SeedBox::create (its configuration, providers and the AES-256-GCM
// implementation, which OpenSSL keeps once fetched), so that create() later finds it done.
// Thread-safe; errors are left for create() to report.
void warm_up_seed_cipher() noexcept;

// AES-256-GCM sealing of seeds at rest, one context reused.
class SeedBox {
  public:
    // key: exactly 32 bytes.
    [[nodiscard]] static Result<SeedBox> create(const Secret& key);
    // Another box for the same key, with contexts and nonce pool of its own (for another thread).
    [[nodiscard]] Result<SeedBox> another() const;
    SeedBox(SeedBox&&) noexcept;
    SeedBox& operator=(SeedBox&&) noexcept;
    ~SeedBox();

    struct Sealed {
        std::vector<std::uint8_t> nonce;       // 12 random bytes
        std::vector<std::uint8_t> ciphertext;  // ciphertext || 16-byte tag
    };
    [[nodiscard]] Result<Sealed> seal(std::span<const std::uint8_t> plaintext,
                                      std::span<const std::uint8_t> aad);
    // crypto error when the tag does not verify (wrong key, other AAD, tampering).
    [[nodiscard]] Result<Secret> open(std::span<const std::uint8_t> nonce,
                                      std::span<const std::uint8_t> ciphertext,
                                      std::span<const std::uint8_t> aad);

    class Impl;

  private:
    explicit SeedBox(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The XML-Enc ciphers PSKC files use.
enum class Cipher { aes128_cbc, aes192_cbc, aes256_cbc, kw_aes128, kw_aes192, kw_aes256 };

// From an EncryptionMethod Algorithm URI (matched on its fragment: "aes128-cbc", "kw-aes256").
[[nodiscard]] Result<Cipher> parse_cipher_uri(std::string_view uri);
[[nodiscard]] std::size_t cipher_key_size(Cipher cipher);
[[nodiscard]] bool cipher_is_cbc(Cipher cipher);

// Decrypts PSKC values: CBC with the 16-byte IV prepended and PKCS#7 padding, or an RFC 3394
// key wrap. A padding or unwrap failure is ErrorCode::crypto "wrong key or password".
class ValueDecryptor {
  public:
    [[nodiscard]] static Result<ValueDecryptor> create(Cipher cipher, const Secret& key);
    ValueDecryptor(ValueDecryptor&&) noexcept;
    ValueDecryptor& operator=(ValueDecryptor&&) noexcept;
    ~ValueDecryptor();

    [[nodiscard]] Cipher cipher() const;
    [[nodiscard]] Result<Secret> decrypt(std::span<const std::uint8_t> data);

    class Impl;

  private:
    explicit ValueDecryptor(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Encrypts PSKC values for export: AES-CBC with a fresh random 16-byte IV per value, prepended
// to the ciphertext, and PKCS#7 padding (XML-Enc's block cipher format, as RFC 6030 §6.1 uses it).
// The key is set up once; each value only sets its IV (an export encrypts one value per key).
class ValueEncryptor {
  public:
    // cipher: one of the CBC ciphers; key: its size.
    [[nodiscard]] static Result<ValueEncryptor> create(Cipher cipher, const Secret& key);
    ValueEncryptor(ValueEncryptor&&) noexcept;
    ValueEncryptor& operator=(ValueEncryptor&&) noexcept;
    ~ValueEncryptor();

    // IV || ciphertext into `out` (its storage reused): not secret, so an ordinary vector.
    [[nodiscard]] Result<void> encrypt(std::span<const std::uint8_t> plain,
                                       std::vector<std::uint8_t>& out);
    // Another encryptor under the same key and cipher, with a context and IV pool of its own:
    // for another thread (an encryptor is used by one thread at a time).
    [[nodiscard]] Result<ValueEncryptor> clone() const;

    class Impl;

  private:
    explicit ValueEncryptor(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The XML-Enc URI of a cipher ("http://www.w3.org/2001/04/xmlenc#aes128-cbc").
[[nodiscard]] std::string_view cipher_uri(Cipher cipher);

// RFC 4648 base64 (standard alphabet, padded, no line breaks). For values that are not secret
// (ciphertexts, MACs, salts).
[[nodiscard]] std::string base64_encode(std::span<const std::uint8_t> bytes);
// The same, appended to `out`.
void append_base64(std::string& out, std::span<const std::uint8_t> bytes);

// HMAC with one key, one context reused. Hash::sha1/sha256/sha512 plus SHA-224/384 by name.
class Hmac {
  public:
    // digest: "SHA1", "SHA224", "SHA256", "SHA384", "SHA512".
    [[nodiscard]] static Result<Hmac> create(std::string_view digest, const Secret& key);
    Hmac(Hmac&&) noexcept;
    Hmac& operator=(Hmac&&) noexcept;
    ~Hmac();

    [[nodiscard]] Result<std::vector<std::uint8_t>> mac(std::span<const std::uint8_t> data);
    // The same into `out` (its storage reused).
    [[nodiscard]] Result<void> mac(std::span<const std::uint8_t> data,
                                   std::vector<std::uint8_t>& out);
    // Another HMAC with the same digest and key, and a context of its own: for another thread.
    [[nodiscard]] Result<Hmac> clone() const;

    class Impl;

  private:
    explicit Hmac(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// PBKDF2 (PKCS #5 v2.0). digest as for Hmac.
[[nodiscard]] Result<Secret> pbkdf2(const Secret& password, std::span<const std::uint8_t> salt,
                                    std::uint64_t iterations, std::size_t key_length,
                                    std::string_view digest);

}  // namespace hwtotp::store::crypto
