// Drifting-clock arithmetic: exact to the second over years, both directions, offsets.
#include <gtest/gtest.h>

#include <limits>

#include "hwtotp/device/clock.h"

namespace hwtotp::device {
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
}  // namespace hwtotp::device
