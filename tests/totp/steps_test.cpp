#include <gtest/gtest.h>

#include <limits>

#include "hwtotp/totp/steps.h"

namespace hwtotp {
namespace {

TEST(Steps, FloorDivisionFromT0) {
    const auto p = Params::standard();
    EXPECT_EQ(*step_at(p, 0), 0U);
    EXPECT_EQ(*step_at(p, 29), 0U);
    EXPECT_EQ(*step_at(p, 30), 1U);
    EXPECT_EQ(*step_at(p, 59), 1U);
    const auto shifted = *Params::create(Hash::sha1, 6, 30, 1000);
    EXPECT_EQ(*step_at(shifted, 1000), 0U);
    EXPECT_EQ(*step_at(shifted, 1030), 1U);
}

TEST(Steps, TimeBeforeT0IsRejected) {
    const auto p = *Params::create(Hash::sha1, 6, 30, 1000);
    auto s = step_at(p, 999);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::invalid_input);
    EXPECT_FALSE(step_at(Params::standard(), -1).has_value());
}

TEST(Steps, PastYear2038AndPast2To32Steps) {
    const auto p = Params::standard();
    EXPECT_EQ(*step_at(p, 2147483648), 71582788U);  // 2^31 s: 2038-01-19
    // With a 1 s period, step numbers pass 2^32 in 2106; 64-bit steps carry on.
    const auto one = *Params::create(Hash::sha1, 6, 1, 0);
    EXPECT_EQ(*step_at(one, 4294967296 + 5), 4294967301U);
    EXPECT_EQ(*step_at(p, std::numeric_limits<std::int64_t>::max()),
              static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / 30);
}

TEST(Steps, StepStartAndSecondsLeft) {
    const auto p = Params::standard();
    EXPECT_EQ(step_start(p, 1), 30);
    EXPECT_EQ(seconds_left_in_step(p, 30), 30);
    EXPECT_EQ(seconds_left_in_step(p, 59), 1);
    EXPECT_EQ(step_start(p, std::numeric_limits<std::uint64_t>::max()),
              std::numeric_limits<std::int64_t>::max());
}

TEST(Steps, SaturatingArithmetic) {
    EXPECT_EQ(step_add(5, -10), 0U);
    EXPECT_EQ(step_add(5, 3), 8U);
    EXPECT_EQ(step_add(std::numeric_limits<std::uint64_t>::max() - 1, 5),
              std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(step_add(10, std::numeric_limits<std::int64_t>::min()), 0U);
    EXPECT_EQ(step_diff(3, 10), -7);
    EXPECT_EQ(step_diff(10, 3), 7);
}

}  // namespace
}  // namespace hwtotp
