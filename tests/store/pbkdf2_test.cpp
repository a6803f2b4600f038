// PBKDF2-HMAC-SHA256 (crypto::pbkdf2 with "SHA256", the precomputed-state implementation in
// pbkdf2_sha256.cpp): RFC 7914 §11's vectors, and the same bytes as OpenSSL's own PBKDF2 (reached
// through the digest's other name, "SHA2-256") for short and long passwords, empty and long
// salts, and keys of one, one and a half and two blocks.

#include <gtest/gtest.h>

#include <string>

#include "crypto.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace {

Secret text_secret(const std::string& text) {
    return Secret(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::span<const std::uint8_t> bytes(const std::string& text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(Pbkdf2Sha256, Rfc7914Vectors) {
    auto one = crypto::pbkdf2(text_secret("passwd"), bytes("salt"), 1, 64, "SHA256");
    ASSERT_TRUE(one) << one.error().message;
    EXPECT_EQ(test::hex_of(*one),
              "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645"
              "991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    auto many = crypto::pbkdf2(text_secret("Password"), bytes("NaCl"), 80000, 64, "SHA256");
    ASSERT_TRUE(many) << many.error().message;
    EXPECT_EQ(test::hex_of(*many),
              "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549"
              "adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST(Pbkdf2Sha256, SameBytesAsOpenSslsPbkdf2) {
    const std::string long_password(150, 'p');  // longer than a block: hashed first
    const std::string block_password(64, 'q');  // exactly a block: used as it is
    const std::string long_salt(100, 's');
    for (const std::string& password :
         {std::string("bench export password"), long_password, block_password, std::string()}) {
        for (const std::string& salt :
             {std::string("0123456789abcdef"), long_salt, std::string()}) {
            for (const std::uint64_t iterations : {1U, 2U, 1000U}) {
                for (const std::size_t length : {16U, 32U, 48U, 64U}) {
                    auto ours = crypto::pbkdf2(text_secret(password), bytes(salt), iterations,
                                               length, "SHA256");
                    auto openssl = crypto::pbkdf2(text_secret(password), bytes(salt), iterations,
                                                  length, "SHA2-256");
                    ASSERT_TRUE(ours && openssl);
                    EXPECT_EQ(test::hex_of(*ours), test::hex_of(*openssl))
                        << password.size() << "-byte password, " << salt.size() << "-byte salt, "
                        << iterations << " iterations, " << length << " bytes";
                }
            }
        }
    }
}

}  // namespace
}  // namespace hwtotp::store
