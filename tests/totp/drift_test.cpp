#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "hwtotp/totp/drift.h"
#include "hwtotp/totp/steps.h"

// Its own namespace: the unity build compiles several test files as one unit, where
// file-local names (params, year, serial) of two files would collide.
namespace hwtotp::drift_test {
namespace {

const Params params = Params::standard();
constexpr std::int64_t year = 31'557'600;

// What a resync sees at time t for a token drifting at `ppm` since `since` with offset0.
std::int64_t observed_steps(std::int64_t t, double ppm, std::int64_t since, double offset0) {
    const double offset = offset0 + ppm * 1e-6 * static_cast<double>(t - since);
    return offset_steps_at(params, t, offset);
}

TEST(Drift, ObservationIsTheMidpointOfTheStepInterval) {
    // 10 s into a step, the token one step ahead: its offset is in [20, 50) s.
    const auto o = observation_from_steps(params, 1'800'000'010 - 1'800'000'010 % 30 + 10, 1);
    EXPECT_DOUBLE_EQ(o.offset_seconds, 35.0);
    EXPECT_DOUBLE_EQ(o.half_width_seconds, 15.0);
}

TEST(Drift, TwoResyncsAYearApartRecoverTheRateWithinOnePpm) {
    // Every phase of the second resync within its step, both signs, several rates.
    for (double ppm : {35.0, -35.0, 3.0, 90.0}) {
        for (std::int64_t phase = 0; phase < 30; phase += 7) {
            const std::int64_t t1 = 1'700'000'000 + phase;
            const std::int64_t t2 = t1 + year + 3 * phase;
            const std::vector<OffsetObservation> obs{
                observation_from_steps(params, t1, observed_steps(t1, ppm, t1, 0)),
                observation_from_steps(params, t2, observed_steps(t2, ppm, t1, 0))};
            const auto fit = *fit_drift(obs);
            EXPECT_NEAR(fit.rate_ppm, ppm, 1.0) << ppm << ' ' << phase;
            EXPECT_LE(std::fabs(fit.rate_ppm - ppm), fit.rate_bound_ppm + 1e-9);
            EXPECT_GT(fit.rate_stderr_ppm, 0.2);
            EXPECT_LT(fit.rate_stderr_ppm, 0.5);
        }
    }
}

TEST(Drift, ManyObservationsUseTheResidualScatter) {
    std::vector<OffsetObservation> obs;
    for (int i = 0; i < 12; ++i) {
        const std::int64_t t = 1'700'000'000 + i * (year / 12) + i * 7;
        obs.push_back(observation_from_steps(params, t, observed_steps(t, 20, 1'700'000'000, 3)));
    }
    const auto fit = *fit_drift(obs);
    EXPECT_NEAR(fit.rate_ppm, 20, 0.8);
    EXPECT_EQ(fit.observations, 12U);
    EXPECT_EQ(fit.first_time, obs.front().time);
    EXPECT_EQ(fit.last_time, obs.back().time);
}

TEST(Drift, NeedsTwoDistinctTimes) {
    const std::vector<OffsetObservation> one{{1000, 0, 15}};
    EXPECT_FALSE(fit_drift(one));
    const std::vector<OffsetObservation> same{{1000, 0, 15}, {1000, 30, 15}};
    EXPECT_FALSE(fit_drift(same));
}

TEST(Drift, PredictsWhenTheOffsetReachesTheWindowEdge) {
    DriftFit fit;
    fit.reference_time = 0;
    fit.offset_at_reference = 0;
    fit.rate_ppm = 10;  // 10 µs/s: 30 s after 3,000,000 s
    fit.rate_stderr_ppm = 1;
    auto w = predict_window_exit(fit, 30, 1, 0, 0);
    ASSERT_EQ(w.kind, WindowExit::Kind::leaves);
    EXPECT_EQ(w.time, 3'000'000);
    EXPECT_EQ(w.earliest, 2'500'000);  // 12 ppm
    EXPECT_EQ(*w.latest, 3'750'000);   // 8 ppm
    // Negative drift leaves through the lower edge; ±3 steps takes three times as long.
    fit.rate_ppm = -10;
    w = predict_window_exit(fit, 30, 3, 0, 0);
    EXPECT_EQ(w.time, 9'000'000);
    // Already outside, and never leaving.
    EXPECT_EQ(predict_window_exit(fit, 30, 1, 0, 10'000'000).kind,
              WindowExit::Kind::already_outside);
    fit.rate_ppm = 0;
    EXPECT_EQ(predict_window_exit(fit, 30, 1, 0, 0).kind, WindowExit::Kind::inside_forever);
}

TEST(Drift, OffsetStepsFollowThePhase) {
    const std::int64_t t = 1'800'000'010 - 1'800'000'010 % 30;  // a step boundary
    EXPECT_EQ(offset_steps_at(params, t, 0), 0);
    EXPECT_EQ(offset_steps_at(params, t, 29.5), 0);
    EXPECT_EQ(offset_steps_at(params, t, 30), 1);
    EXPECT_EQ(offset_steps_at(params, t, -0.5), -1);
    EXPECT_EQ(offset_steps_at(params, t + 29, 1.5), 1);
}

}  // namespace
}  // namespace hwtotp::drift_test
