#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/window.h"
#include "test_key.h"

namespace hwtotp {
namespace {

TEST(Window, EdgesAreInclusiveOnBothSides) {
    const OtpKey key = test::rfc6238_key();
    const std::uint64_t centre = 1000000;
    for (std::int64_t offset : {-3, -1, 0, 1, 3}) {
        const Code code = key.code(step_add(centre, offset), 6);
        const auto v = verify_code(key, code, centre, 3);
        ASSERT_TRUE(v.matched) << offset;
        EXPECT_EQ(v.offset, offset);
    }
    // One step past either edge is outside (unless it happens to collide, which it does not
    // for this seed: checked by the brute-force assertion below).
    for (std::int64_t offset : {-4, 4}) {
        const Code code = key.code(step_add(centre, offset), 6);
        bool collides = false;
        for (std::int64_t d = -3; d <= 3; ++d)
            collides |= key.code(step_add(centre, d), 6) == code;
        ASSERT_FALSE(collides);
        EXPECT_FALSE(verify_code(key, code, centre, 3).matched) << offset;
    }
}

TEST(Window, ClipsAtStepZero) {
    const StepRange r = window_around(2, 10);
    EXPECT_EQ(r.first, 0U);
    EXPECT_EQ(r.last, 12U);
    const OtpKey key = test::rfc6238_key();
    const auto v = verify_code(key, key.code(0, 8), 2, 10);
    ASSERT_TRUE(v.matched);
    EXPECT_EQ(v.offset, -2);
}

TEST(Window, ParallelScanEqualsSingleThreadScan) {
    const OtpKey key = test::rfc6238_key(Hash::sha256);
    const Code code = key.code(123456, 6);
    const StepRange range{0, 3'000'000};
    ScanOptions one;
    one.threads = 1;
    ScanOptions many;
    many.threads = 4;
    const auto a = find_code(key, code, range, one);
    const auto b = find_code(key, code, range, many);
    EXPECT_EQ(a, b);
    EXPECT_TRUE(std::find(a.begin(), a.end(), 123456U) != a.end());
}

TEST(Window, ProgressReachesTheTotal) {
    const OtpKey key = test::rfc6238_key();
    std::uint64_t last_done = 0, last_total = 0;
    ScanOptions options;
    options.progress = [&](std::uint64_t done, std::uint64_t total) {
        last_done = done;
        last_total = total;
    };
    (void)find_code(key, key.code(5, 6), StepRange{0, 999'999}, options);
    EXPECT_EQ(last_total, 1'000'000U);
    EXPECT_EQ(last_done, last_total);
}

TEST(Window, FindConsecutiveLocatesThePairOnly) {
    const OtpKey key = test::rfc6238_key();
    const std::uint64_t s = 55'555'555;
    const Code c1 = key.code(s, 6), c2 = key.code(s + 1, 6);
    const auto found = find_consecutive(key, c1, c2, window_around(s, 2'000'000));
    ASSERT_EQ(found, std::vector<std::uint64_t>{s});
    // Swapped: the pair (c2, c1) is not consecutive anywhere nearby.
    EXPECT_TRUE(find_consecutive(key, c2, c1, window_around(s, 100'000)).empty());
}

TEST(Window, FalseMatchOdds) {
    EXPECT_NEAR(false_match_odds(3, 6, 1), 1 - std::pow(1 - 1e-6, 3), 1e-15);
    EXPECT_NEAR(false_match_odds(5760, 6, 2), 5.76e-9, 1e-13);
    EXPECT_NEAR(false_match_odds(10'000'000, 6, 1), 1 - std::exp(-10.0), 1e-6);
}

TEST(Window, TieBreakPrefersThePast) {
    // A real tie: two consecutive occurrences of one code an even number of steps apart, with
    // the centre half-way between them. Both are in the window, at -d and +d, and nothing lies
    // between them.
    const OtpKey key = test::rfc6238_key();
    const Code code = key.code(500, 6);
    const auto hits = find_code(key, code, StepRange{500, 500 + 10'000'000});
    std::optional<std::pair<std::uint64_t, std::uint64_t>> tie;
    for (std::size_t i = 1; i < hits.size() && !tie; ++i) {
        if ((hits[i] - hits[i - 1]) % 2 == 0)
            tie = std::pair{hits[i - 1], hits[i]};
    }
    ASSERT_TRUE(tie) << hits.size() << " occurrences, no two an even distance apart";
    const std::uint64_t d = (tie->second - tie->first) / 2;
    const std::uint64_t centre = tie->first + d;
    const std::int64_t distance = static_cast<std::int64_t>(d);

    const auto v = verify_code(key, code, centre, d);
    ASSERT_TRUE(v.matched);
    EXPECT_EQ(v.all_offsets, (std::vector<std::int64_t>{-distance, distance}));
    EXPECT_EQ(v.offset, -distance);
    EXPECT_EQ(v.step, tie->first);
}

TEST(Window, MatchesAreListedNearestFirst) {
    const OtpKey key = test::rfc6238_key();
    const Code code = key.code(500, 6);
    const auto v = verify_code(key, code, 500, 5'000'000);
    ASSERT_TRUE(v.matched);
    EXPECT_EQ(v.offset, 0);
    ASSERT_GT(v.all_offsets.size(), 2U);  // so that the order below says something
    for (std::size_t i = 1; i < v.all_offsets.size(); ++i) {
        EXPECT_LE(std::llabs(v.all_offsets[i - 1]), std::llabs(v.all_offsets[i]));
    }
}

}  // namespace
}  // namespace hwtotp
