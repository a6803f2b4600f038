// The enrollment pre-check: every diagnosis, with codes from the engine's own generator.
#include <gtest/gtest.h>

#include <algorithm>

#include "hwtotp/totp/enrollment.h"
#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/window.h"
#include "test_key.h"

// Its own namespace: the unity build compiles several test files as one unit, where
// file-local names (params, year, serial) of two files would collide.
namespace hwtotp::enrollment_test {
namespace {

const Params params = Params::standard();
constexpr std::int64_t now = 1'795'000'000;  // 10 s into a step
const std::uint64_t n = *step_at(params, now);

bool has(const EnrollmentCheck& c, EnrollIssue issue) {
    return std::any_of(c.findings.begin(), c.findings.end(),
                       [&](const auto& f) { return f.issue == issue; });
}

EnrollmentCheck check(std::uint64_t s1, std::uint64_t s2) {
    const OtpKey key = test::rfc6238_key();
    return *check_enrollment(key, params, key.code(s1, 6), key.code(s2, 6), now);
}

TEST(Enrollment, PairEndingInTheCurrentStepIsReadyWithFiftySecondsLeft) {
    const auto c = check(n - 1, n);
    EXPECT_TRUE(c.ready);
    EXPECT_TRUE(c.findings.empty());
    EXPECT_EQ(*c.pair_step, n - 1);
    EXPECT_EQ(c.pair_offset_steps, -1);
    EXPECT_EQ(c.clock_offset_steps, 0);
    // Code 2 (step n) stays within ±1 until step n+2 begins: 20 s + 30 s.
    EXPECT_EQ(c.seconds_left, 50);
    EXPECT_EQ(c.submit_before, step_start(params, n + 2));
}

TEST(Enrollment, PairEndingInThePreviousStepIsReadyWithTheRestOfThisStep) {
    const auto c = check(n - 2, n - 1);
    EXPECT_TRUE(c.ready);
    EXPECT_EQ(c.clock_offset_steps, -1);
    EXPECT_EQ(c.seconds_left, 20);
}

TEST(Enrollment, OlderPairIsStale) {
    const auto c = check(n - 21, n - 20);  // ten minutes ago
    EXPECT_FALSE(c.ready);
    ASSERT_TRUE(has(c, EnrollIssue::stale));
    EXPECT_EQ(c.clock_offset_steps, -20);
    EXPECT_EQ(c.seconds_left, 0);
    // Code 2's step ended 19 steps and 10 s ago.
    EXPECT_EQ(c.findings[0].offset_steps, -20);
    EXPECT_EQ(c.findings[0].stale_seconds, 580);
}

TEST(Enrollment, FutureCodeTwoMeansTheTokenIsFast) {
    const auto c = check(n + 5, n + 6);  // 3 minutes fast
    EXPECT_FALSE(c.ready);
    ASSERT_TRUE(has(c, EnrollIssue::token_fast));
    EXPECT_EQ(c.clock_offset_steps, 6);
    EXPECT_EQ(c.findings[0].offset_steps, 6);  // 180 s
}

TEST(Enrollment, SwappedCodesAreNamed) {
    const auto c = check(n, n - 1);
    EXPECT_FALSE(c.ready);
    EXPECT_TRUE(has(c, EnrollIssue::swapped));
    EXPECT_FALSE(c.pair_step.has_value());
}

TEST(Enrollment, IdenticalCodesAreNeverReady) {
    const auto c = check(n, n);
    EXPECT_FALSE(c.ready);
    ASSERT_EQ(c.findings.size(), 1U);
    EXPECT_EQ(c.findings[0].issue, EnrollIssue::identical);
}

TEST(Enrollment, CodesTwoStepsApartGiveTheGap) {
    const auto c = check(n - 2, n);
    EXPECT_FALSE(c.ready);
    ASSERT_TRUE(has(c, EnrollIssue::not_consecutive));
    EXPECT_EQ(c.findings[0].gap_steps, 2);
}

TEST(Enrollment, MistypedCodeTwoIsPointedOut) {
    const OtpKey key = test::rfc6238_key();
    const Code c1 = key.code(n - 1, 6);
    // A code that occurs nowhere within ±2880 steps of now.
    Code c2 = *Code::parse("000000");
    for (std::uint32_t v = 0;; ++v) {
        c2 = Code::from_value(v, 6);
        if (find_code(key, c2, window_around(n, 2900)).empty())
            break;
    }
    const auto c = *check_enrollment(key, params, c1, c2, now);
    EXPECT_FALSE(c.ready);
    ASSERT_TRUE(has(c, EnrollIssue::code2_unmatched));
    EXPECT_EQ(c.findings[0].offset_steps, -1);  // where code 1 matched
    EXPECT_NEAR(c.findings[0].single_code_odds, false_match_odds(2 * 2880 + 1, 6, 1), 1e-12);
    const auto d = *check_enrollment(key, params, c2, key.code(n, 6), now);
    ASSERT_TRUE(has(d, EnrollIssue::code1_unmatched));
    EXPECT_EQ(d.findings[0].offset_steps, 0);  // where code 2 matched
}

TEST(Enrollment, WrongLengthIsAnError) {
    const OtpKey key = test::rfc6238_key();
    EXPECT_FALSE(check_enrollment(key, params, key.code(n, 8), key.code(n + 1, 8), now));
}

TEST(Enrollment, IssueIdsAreStable) {
    EXPECT_EQ(enroll_issue_id(EnrollIssue::swapped), "swapped");
    EXPECT_EQ(enroll_issue_id(EnrollIssue::token_fast), "token_fast");
    EXPECT_EQ(enroll_issue_id(EnrollIssue::not_consecutive), "not_consecutive");
}

}  // namespace
}  // namespace hwtotp::enrollment_test
