#include <gtest/gtest.h>

#include <type_traits>

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

TEST(Secret, WipeMemoryZeroesTheBuffer) {
    std::array<std::uint8_t, 16> buffer{};
    buffer.fill(0xAB);
    wipe_memory(buffer.data(), buffer.size());
    for (auto b : buffer)
        EXPECT_EQ(b, 0);
}

}  // namespace
}  // namespace hwtotp
