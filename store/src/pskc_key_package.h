#pragma once
// The text of PSKC KeyPackages as export_pskc.cpp writes them (RFC 6030), built into a string
// the caller keeps from token to token: the escaping of values, the plain and encrypted data
// elements, and a KeyPackage around its Secret. No seed enters the text but through
// Sealer::append_secret (encrypted) or the caller (plain values, written apart).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto.h"
#include "hwtotp/store/token.h"

namespace hwtotp::store::pskc_xml {

// A text or attribute value escaped for XML: every value a token holds goes through here.
void append_escaped(std::string& out, std::string_view text);
// <pskc:NAME>escaped text</pskc:NAME> on a line of its own after `indent`.
void append_element(std::string& out, std::string_view indent, std::string_view name,
                    std::string_view text);
// EncryptionMethod and CipherData of an encrypted value, each line after `indent`.
void append_cipher_data(std::string& out, crypto::Cipher cipher,
                        std::span<const std::uint8_t> value, std::string_view indent);
[[nodiscard]] std::string cipher_data(crypto::Cipher cipher, std::span<const std::uint8_t> value,
                                      std::string_view indent);

// Seals each Secret: encrypted, then MACed over IV || ciphertext. One per thread.
struct Sealer {
    crypto::Cipher cipher;
    crypto::ValueEncryptor encryptor;
    crypto::Hmac mac;
    std::vector<std::uint8_t> encrypted;  // IV || ciphertext of the seed being sealed
    std::vector<std::uint8_t> value_mac;  // its ValueMAC

    // Another sealer with the same keys and contexts of its own: for another thread.
    [[nodiscard]] Result<Sealer> clone() const;
    // The encrypted Secret element, appended to `xml`.
    [[nodiscard]] Result<void> append_secret(std::string& xml, const Secret& seed);
};

// A KeyPackage up to its Secret (DeviceInfo, Key, AlgorithmParameters, the opening of Data),
// and after it (Counter, Time, TimeInterval, TimeDrift, UserId, the closing tags).
void append_package_start(std::string& xml, const Token& token);
void append_package_end(std::string& xml, const Token& token);
// An encrypted KeyPackage, appended to `xml`: no seed in it.
[[nodiscard]] Result<void> append_sealed_package(std::string& xml, const Token& token,
                                                 Sealer& sealer);

}  // namespace hwtotp::store::pskc_xml
