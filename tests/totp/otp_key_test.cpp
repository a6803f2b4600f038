// The precomputed-state HMAC must equal OpenSSL's one-shot HMAC for every hash and key length,
// including keys longer than the block (hashed first) and the block-size boundary.
#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <cstring>
#include <random>
#include <vector>

#include "hwtotp/totp/otp_key.h"

namespace hwtotp {
namespace {

const EVP_MD* md_for(Hash h) {
    switch (h) {
        case Hash::sha1:
            return EVP_sha1();
        case Hash::sha256:
            return EVP_sha256();
        case Hash::sha512:
            return EVP_sha512();
    }
    return nullptr;
}

class OtpKeyMatchesOpenSslHmac : public ::testing::TestWithParam<Hash> {};

TEST_P(OtpKeyMatchesOpenSslHmac, ForKeyLengthsAcrossTheBlockBoundary) {
    const Hash hash = GetParam();
    std::mt19937_64 rng(42);
    for (std::size_t len = 1; len <= 200; ++len) {
        std::vector<std::uint8_t> key_bytes(len);
        for (auto& b : key_bytes)
            b = static_cast<std::uint8_t>(rng());
        auto key = OtpKey::create(Secret(key_bytes), hash);
        ASSERT_TRUE(key.has_value());
        for (const std::uint64_t counter :
             {std::uint64_t{0}, std::uint64_t{1}, rng(), ~std::uint64_t{0}}) {
            std::array<std::uint8_t, 8> message{};
            for (std::size_t i = 0; i < 8; ++i)
                message[7 - i] = static_cast<std::uint8_t>(counter >> (8 * i));
            std::array<std::uint8_t, 64> expected{};
            unsigned int expected_len = 0;
            HMAC(md_for(hash), key_bytes.data(), static_cast<int>(len), message.data(),
                 message.size(), expected.data(), &expected_len);
            std::array<std::uint8_t, 64> actual{};
            key->hmac(counter, actual);
            ASSERT_EQ(expected_len, digest_size(hash));
            ASSERT_EQ(0, std::memcmp(expected.data(), actual.data(), expected_len))
                << "key length " << len << " counter " << counter;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(AllHashes, OtpKeyMatchesOpenSslHmac,
                         ::testing::Values(Hash::sha1, Hash::sha256, Hash::sha512));

TEST(OtpKey, RejectsEmptyKey) {
    auto key = OtpKey::create(Secret{}, Hash::sha1);
    ASSERT_FALSE(key.has_value());
    EXPECT_EQ(key.error().code, ErrorCode::invalid_input);
}

TEST(OtpKey, EightDigitCodesKeepLeadingZeros) {
    // RFC 6238: SHA-1 at t = 1111111109 is 07081804 (step 0x23523EC).
    const std::string seed = "12345678901234567890";
    auto key = OtpKey::create(
        Secret(std::span(reinterpret_cast<const std::uint8_t*>(seed.data()), seed.size())),
        Hash::sha1);
    ASSERT_TRUE(key.has_value());
    const Code code = key->code(0x23523EC, 8);
    EXPECT_EQ(code.str(), "07081804");
    EXPECT_EQ(code.length(), 8);
}

TEST(OtpKey, FindReturnsExactlyTheBruteForceMatches) {
    const std::vector<std::uint8_t> bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    auto key = OtpKey::create(Secret(bytes), Hash::sha256);
    ASSERT_TRUE(key.has_value());
    // A 6-digit code appears about once per million counters: pick the code at 777 and look
    // for it over a range that includes 777; brute force gives the reference answer.
    const Code target = key->code(777, 6);
    std::vector<std::uint64_t> expected;
    for (std::uint64_t c = 0; c <= 20000; ++c) {
        if (key->code(c, 6) == target)
            expected.push_back(c);
    }
    EXPECT_EQ(key->find(0, 20000, target, 100), expected);
    EXPECT_EQ(key->find(778, 20000, target, 100).size(), expected.size() - 1);
    EXPECT_EQ(key->find(777, 777, target, 100), std::vector<std::uint64_t>{777});
    EXPECT_TRUE(key->find(10, 9, target, 100).empty());
}

TEST(OtpKey, FindHandlesTheLastCounterWithoutWrapping) {
    const std::vector<std::uint8_t> bytes{9, 9, 9};
    auto key = OtpKey::create(Secret(bytes), Hash::sha1);
    ASSERT_TRUE(key.has_value());
    const std::uint64_t last = ~std::uint64_t{0};
    const Code target = key->code(last, 6);
    // Every counter of the range whose code is the target, found one at a time: the last
    // counter is among them, and nothing past it (a wrapped loop would go on at 0).
    std::vector<std::uint64_t> expected;
    for (std::uint64_t c = last - 5;; ++c) {
        if (key->code(c, 6) == target)
            expected.push_back(c);
        if (c == last)
            break;
    }
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(expected.back(), last);
    EXPECT_EQ(key->find(last - 5, last, target, 10), expected);
}

}  // namespace
}  // namespace hwtotp
