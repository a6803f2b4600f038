// Drifting-clock arithmetic: exact to the second over years, both directions, offsets.
#include <gtest/gtest.h>

#include <limits>

#include "hwtotp/device/clock.h"

// Its own namespace: the unity build compiles several test files as one unit, where
// file-local names (params, year, serial) of two files would collide.
namespace hwtotp::device::clock_test {
namespace {

constexpr std::int64_t julian_year = 31'557'600;  // 365.25 days
constexpr std::int64_t since = 1'700'000'000;

TEST(DriftModel, FortyPpmOverAYear) {
    // 40e-6 × 31,557,600 s = 1262.304 s: the token is 1262 whole seconds ahead.
    const auto model = DriftModel::starting_at(since, 40.0);
    EXPECT_EQ(model.token_time(since + julian_year), since + julian_year + 1262);
}

TEST(DriftModel, SlowTokenFloorsTowardThePast) {
    const auto model = DriftModel::starting_at(since, -40.0);
    EXPECT_EQ(model.token_time(since + julian_year), since + julian_year - 1263);
}

TEST(DriftModel, ExactWholeSecondsHaveNoRoundingError) {
    // 1 ppm × 1,000,000 s is exactly one second; 0.1 ppm × 10,000,000 s too.
    EXPECT_EQ(DriftModel::starting_at(0, 1.0).token_time(1'000'000), 1'000'001);
    EXPECT_EQ(DriftModel::starting_at(0, 0.1).token_time(10'000'000), 10'000'001);
    EXPECT_EQ(DriftModel::starting_at(0, 0.1).token_time(9'999'999), 9'999'999 + 0);
}

TEST(DriftModel, BeforeSinceRunsBackwards) {
    const auto model = DriftModel::starting_at(since, 40.0);
    EXPECT_EQ(model.token_time(since - julian_year), since - julian_year - 1263);
}

TEST(DriftModel, OffsetAndSinceTokenTime) {
    DriftModel model{since, since + 100, 0.0, -30};
    EXPECT_EQ(model.token_time(since), since + 70);
    EXPECT_EQ(model.token_time(since + 1000), since + 1070);
}

TEST(DriftModel, SaturatesInsteadOfOverflowing) {
    const auto model = DriftModel::starting_at(0, 1e6);  // doubles the rate
    EXPECT_EQ(model.token_time(std::numeric_limits<std::int64_t>::max()),
              std::numeric_limits<std::int64_t>::max());
}

TEST(DriftModel, ExactTokenTimeRefusesWhatSaturationHides) {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    DriftModel model = DriftModel::starting_at(0, 0.0, max - 100);
    EXPECT_EQ(model.exact_token_time(100), max);
    EXPECT_EQ(model.exact_token_time(101), std::nullopt);
    EXPECT_EQ(model.token_time(101), max);  // the saturating one cannot tell
}

// A battery change resets a token's clock to 1970: in 2027 it is ~1.8e9 s behind, well past the
// ±1e9 s the simulator once allowed, and still a valid clock.
TEST(DriftModel, ValidOffsetsReachBackToT0) {
    const std::int64_t t = 1'803'859'200;  // 2027-03-01
    const auto model = DriftModel::starting_at(t, 0.0);
    const auto range = model.valid_offsets(t, t + 30, 0);
    ASSERT_TRUE(range);
    EXPECT_EQ(range->min, -t);  // the token shows 1970-01-01T00:00:00Z at the first press
    EXPECT_EQ(range->max, std::numeric_limits<std::int64_t>::max() - (t + 30));
    EXPECT_LT(range->min, -1'800'000'000);
}

TEST(DriftModel, ValidOffsetsFollowTheDriftAtBothEnds) {
    // 10 % slow from 1000: the clock reads 1000 + 0.9·(t − 1000), lowest at the first press.
    const auto slow = DriftModel::starting_at(1000, -100000.0);
    const auto range = slow.valid_offsets(2000, 3000, 500);
    ASSERT_TRUE(range);
    EXPECT_EQ(range->min, 500 - 1900);
    EXPECT_EQ(range->max, std::numeric_limits<std::int64_t>::max() - 2800);
}

TEST(DriftModel, NoValidOffsetWhenTheClockCannotFitInt64) {
    const auto doubled = DriftModel::starting_at(0, 1e6);  // runs at twice the real rate
    const auto max = std::numeric_limits<std::int64_t>::max();
    EXPECT_EQ(doubled.valid_offsets(0, max, 0).has_value(), false);
}

TEST(Clocks, ManualAndDrifting) {
    ManualClock real(since);
    DriftingClock token(real, DriftModel::starting_at(since, 40.0, 5));
    EXPECT_EQ(token.now(), since + 5);
    real.advance(julian_year);
    EXPECT_EQ(token.now(), since + julian_year + 1262 + 5);
    real.set(since);
    EXPECT_EQ(token.now(), since + 5);
}

TEST(Clocks, SystemClockIsPlausible) {
    SystemClock clock;
    EXPECT_GT(clock.now(), 1'700'000'000);  // after November 2023
}

}  // namespace
}  // namespace hwtotp::device::clock_test
