// analyse_drift: the fit, the prediction and the window exits `hwtotp drift` reports, from
// offsets in any order.
#include "hwtotp/totp/drift_analysis.h"

#include <gtest/gtest.h>

namespace hwtotp {
namespace {

constexpr std::int64_t year = 31'557'600;
constexpr std::int64_t t_2025 = 1'763'892'000;  // 2025-11-23T10:00:00Z

TEST(DriftAnalysis, OffsetsGivenOutOfOrderAreAnalysedInTimeOrder) {
    DriftQuery query;
    query.offsets = {{t_2025 + year, 37}, {t_2025, 0}};
    query.now = t_2025 + year;
    auto a = analyse_drift(query);
    ASSERT_TRUE(a.has_value()) << a.error().message;
    ASSERT_EQ(a->offsets.size(), 2U);
    EXPECT_EQ(a->offsets[0].time, t_2025);
    EXPECT_EQ(a->offsets[1].offset_steps, 37);
    // 37 steps of 30 s a year: about 35 ppm fast.
    EXPECT_NEAR(a->fit.rate_ppm, 37.0 * 30 / static_cast<double>(year) * 1e6, 1.0);
}

TEST(DriftAnalysis, WindowIsCentredOnTheLatestOffsetUnlessOneIsGiven) {
    DriftQuery query;
    query.offsets = {{t_2025 + year, 37}, {t_2025, 0}};
    query.now = t_2025 + year;
    auto latest = analyse_drift(query);
    ASSERT_TRUE(latest.has_value());
    EXPECT_EQ(latest->window_centre_steps, 37);
    query.window_centre_steps = 5;
    auto stored = analyse_drift(query);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->window_centre_steps, 5);
    // Centred 32 steps behind the token, ±1 step is already left behind.
    EXPECT_EQ(stored->windows.front().exit.kind, WindowExit::Kind::already_outside);
    EXPECT_NE(latest->windows.front().exit.kind, WindowExit::Kind::already_outside);
}

TEST(DriftAnalysis, PredictsForOneStepAndForAWiderRadius) {
    DriftQuery query;
    query.offsets = {{t_2025, 0}, {t_2025 + year, 37}};
    query.now = t_2025 + year;
    query.radius = 10;
    auto a = analyse_drift(query);
    ASSERT_TRUE(a.has_value());
    ASSERT_EQ(a->windows.size(), 2U);
    EXPECT_EQ(a->windows[0].radius, 1U);
    EXPECT_EQ(a->windows[1].radius, 10U);
    ASSERT_EQ(a->windows[1].exit.kind, WindowExit::Kind::leaves);
    // Ten steps at ~37 steps a year: about three months after the last resync.
    EXPECT_GT(a->windows[1].exit.time, query.now + year / 6);
    EXPECT_LT(a->windows[1].exit.time, query.now + year / 2);
}

TEST(DriftAnalysis, RefusesOffsetsOrAPredictionBeforeT0) {
    DriftQuery query;
    query.params = *Params::create(Hash::sha1, 6, 30, t_2025);
    query.offsets = {{t_2025 - 1, 0}, {t_2025 + year, 37}};
    query.now = t_2025 + year;
    EXPECT_FALSE(analyse_drift(query).has_value());
    query.offsets.front().time = t_2025;
    query.now = t_2025 - 1;
    EXPECT_FALSE(analyse_drift(query).has_value());
}

TEST(DriftAnalysis, OneTimeIsNotEnoughForARate) {
    DriftQuery query;
    query.offsets = {{t_2025, 0}, {t_2025, 1}};
    query.now = t_2025;
    const auto a = analyse_drift(query);
    ASSERT_FALSE(a.has_value());
    EXPECT_EQ(a.error().code, ErrorCode::invalid_input);
}

}  // namespace
}  // namespace hwtotp
