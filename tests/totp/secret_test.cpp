#include <gtest/gtest.h>

#include <array>
#include <thread>
#include <type_traits>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "hwtotp/totp/secret.h"

namespace hwtotp {
namespace {

static_assert(!std::is_copy_constructible_v<Secret>, "secrets are never copied implicitly");
static_assert(!std::is_copy_assignable_v<Secret>);
static_assert(std::is_nothrow_move_constructible_v<Secret>);

TEST(Secret, HoldsAnExactCopyOfTheBytes) {
    const std::vector<std::uint8_t> bytes{1, 2, 3, 250};
    Secret s(bytes);
    ASSERT_EQ(s.size(), 4U);
    EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), s.expose().begin()));
}

TEST(Secret, MoveLeavesTheSourceEmpty) {
    Secret a(std::vector<std::uint8_t>{7, 7});
    Secret b(std::move(a));
    EXPECT_EQ(b.size(), 2U);
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the state after move is specified
    EXPECT_TRUE(a.expose().empty());
}

TEST(Secret, EqualsComparesContentsAndLength) {
    Secret a(std::vector<std::uint8_t>{1, 2, 3});
    EXPECT_TRUE(a.equals(a.clone()));
    EXPECT_FALSE(a.equals(Secret(std::vector<std::uint8_t>{1, 2, 4})));
    EXPECT_FALSE(a.equals(Secret(std::vector<std::uint8_t>{1, 2})));
}

TEST(Secret, TruncateKeepsThePrefixAndWipesTheTailInPlace) {
    Secret s(std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6});
    const std::uint8_t* storage = s.expose().data();
    s.truncate(4);
    ASSERT_EQ(s.size(), 4U);
    EXPECT_EQ(s.expose().data(), storage);  // no copy of the key was made
    EXPECT_TRUE(s.equals(Secret(std::vector<std::uint8_t>{1, 2, 3, 4})));
    EXPECT_EQ(storage[4], 0);  // the dropped bytes are wiped, still inside the live block
    EXPECT_EQ(storage[5], 0);
    s.truncate(9);  // longer than the secret: nothing changes
    EXPECT_EQ(s.size(), 4U);
    s.truncate(0);
    EXPECT_TRUE(s.empty());
    EXPECT_TRUE(s.expose().empty());
}

TEST(Secret, WipeMemoryZeroesTheBuffer) {
    std::array<std::uint8_t, 16> buffer{};
    buffer.fill(0xAB);
    wipe_memory(buffer.data(), buffer.size());
    for (auto b : buffer)
        EXPECT_EQ(b, 0);
}

// CTest runs each test in its own process, so this heap is set up for this test only.
TEST(Secret, LivesInTheSecureHeapOnceSetUpAndFallsBackWhenFull) {
    ASSERT_TRUE(init_secure_heap(4096));
    const std::array<std::uint8_t, 20> bytes{1, 2, 3};
    Secret in_heap(bytes);
    EXPECT_EQ(CRYPTO_secure_allocated(in_heap.expose().data()), 1);
    // Larger than the whole secure heap: the normal heap, still zero-filled and usable.
    Secret big = Secret::zeroed(8192);
    EXPECT_EQ(CRYPTO_secure_allocated(big.expose().data()), 0);
    EXPECT_EQ(big.expose()[8191], 0);
    Secret moved = std::move(in_heap);
    EXPECT_EQ(moved.expose()[0], 1);
}

// Secrets that would fill the secure heap leave OpenSSL its half: a thread started afterwards
// still gets random bytes (its generator's seed material needs the secure heap).
TEST(Secret, ManySecretsLeaveRoomForANewThreadsRandomGenerator) {
    ASSERT_TRUE(init_secure_heap(4096));
    std::vector<Secret> many;
    for (int i = 0; i < 400; ++i)  // 400 x 32 bytes: three times the heap
        many.push_back(Secret::zeroed(20));
    EXPECT_LE(CRYPTO_secure_used(), 2048U);
    int drawn = 0;
    std::thread other([&] {
        std::array<unsigned char, 16> bytes{};
        drawn = RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
    });
    other.join();
    EXPECT_EQ(drawn, 1);
}

}  // namespace
}  // namespace hwtotp
