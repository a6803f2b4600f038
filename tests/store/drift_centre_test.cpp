// The verifier's drift-predicted window centre: imports left out, bounded by 100 ppm of the
// time since the last observation, saturating at the ends of the offset range.

#include "hwtotp/store/drift_centre.h"

#include <cstdint>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace hwtotp::store {
namespace drift_centre_test {

constexpr std::int64_t t1 = 1'700'000'010;  // a 30 s step boundary
constexpr std::int64_t year = 31'557'600;
const Params params = Params::standard();

HistoryEntry entry(std::int64_t at, std::int64_t offset, ObservedBy how = ObservedBy::resync) {
    return HistoryEntry{at, offset, how};
}

TEST(DriftObservations, LeaveOutTheImport) {
    const std::vector<HistoryEntry> history{entry(t1, 7, ObservedBy::import), entry(t1 + 10, 1),
                                            entry(t1 + 20, 2, ObservedBy::verify)};
    const auto kept = drift_observations(history);
    ASSERT_EQ(kept.size(), 2U);
    EXPECT_EQ(kept[0].offset_steps, 1);
    EXPECT_EQ(kept[1].how, ObservedBy::verify);
}

TEST(DriftCentre, NeedsTwoObservationsBesidesTheImport) {
    // An import a year before one resync is no second observation: it is stamped with the
    // import time, not with when the vendor measured it.
    const std::vector<HistoryEntry> history{entry(t1, 50, ObservedBy::import),
                                            entry(t1 + year, 100)};
    EXPECT_FALSE(drift_centre(params, 100, history, t1 + year + 86400));
}

TEST(DriftCentre, FollowsTheFitWithinTheBound) {
    // 100 steps (3000 s) a year: ~95 ppm. A week on: the fit says 102; the bound allows
    // 100 ± ⌈100 ppm × 604800 s / 30 s⌉ = 100 ± 3.
    const std::vector<HistoryEntry> history{entry(t1, 0), entry(t1 + year, 100)};
    const auto c = drift_centre(params, 100, history, t1 + year + 7 * 86400);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->predicted_offset_steps, 102);
    EXPECT_EQ(c->centre_offset_steps, 102);
    EXPECT_EQ(c->observations, 2U);
    EXPECT_NEAR(c->rate_ppm, 95, 1);
}

TEST(DriftCentre, IsHeldWithinOneHundredPpmOfTheStoredOffset) {
    // The fit says 100 steps a day (far beyond any crystal); an hour on it predicts ~104, but
    // the centre moves at most ⌈100 ppm × 3600 s / 30 s⌉ = 1 step from the stored offset.
    const std::vector<HistoryEntry> history{entry(t1, 0), entry(t1 + 86400, 100)};
    const auto c = drift_centre(params, 100, history, t1 + 86400 + 3600);
    ASSERT_TRUE(c);
    EXPECT_GE(c->predicted_offset_steps, 104);
    EXPECT_EQ(c->centre_offset_steps, 101);
    // A stored offset the fit disagrees with holds the centre just the same.
    const auto other = drift_centre(params, -40, history, t1 + 86400 + 3600);
    ASSERT_TRUE(other);
    EXPECT_EQ(other->centre_offset_steps, -39);
}

TEST(DriftCentre, SaturatesAtTheEndsOfTheOffsetRange) {
    // A stored offset at the int64 limit: the bound's ends saturate instead of wrapping.
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    constexpr auto min = std::numeric_limits<std::int64_t>::min();
    const std::vector<HistoryEntry> history{entry(t1, 0), entry(t1 + year, 100)};
    const auto high = drift_centre(params, max, history, t1 + 2 * year);
    ASSERT_TRUE(high);
    EXPECT_LE(high->centre_offset_steps, max);
    EXPECT_GE(high->centre_offset_steps, max - 200'000);
    const auto low = drift_centre(params, min, history, t1 + 2 * year);
    ASSERT_TRUE(low);
    EXPECT_LE(low->centre_offset_steps, min + 200'000);
}

TEST(DriftCentre, NoneBeforeT0) {
    const std::vector<HistoryEntry> history{entry(t1, 0), entry(t1 + year, 100)};
    const auto late_t0 = *Params::create(Hash::sha1, 6, 30, t1 + 2 * year);
    EXPECT_FALSE(drift_centre(late_t0, 0, history, t1 + year));
}

}  // namespace drift_centre_test
}  // namespace hwtotp::store
