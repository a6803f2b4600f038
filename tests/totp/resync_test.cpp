#include <gtest/gtest.h>

#include "hwtotp/totp/resync.h"
#include "hwtotp/totp/steps.h"
#include "test_key.h"

// Its own namespace: the unity build compiles several test files as one unit, where
// file-local names (params, year, serial) of two files would collide.
namespace hwtotp::resync_test {
namespace {

const Params params = Params::standard();
constexpr std::int64_t now = 1'795'000'000;
const std::uint64_t n = *step_at(params, now);

TEST(Resync, FindsATokenTwoHoursFastToTheStep) {
    const OtpKey key = test::rfc6238_key();
    const auto r = *resync(key, params, key.code(n + 239, 6), key.code(n + 240, 6), now,
                           ResyncWindow{false, 1000});
    ASSERT_EQ(r.matches.size(), 1U);
    EXPECT_EQ(r.matches[0].offset_steps, 240);
    EXPECT_EQ(r.matches[0].code1_step, n + 239);
    EXPECT_EQ(r.searched.size(), 2001U);
    EXPECT_NEAR(r.false_match_odds, 2001e-12, 1e-15);
}

TEST(Resync, OutsideTheWindowIsNoMatch) {
    const OtpKey key = test::rfc6238_key();
    const auto r = *resync(key, params, key.code(n + 1239, 6), key.code(n + 1240, 6), now,
                           ResyncWindow{false, 1000});
    EXPECT_FALSE(r.found());
}

TEST(Resync, AllReachesBackToStepZero) {
    // Hour-long steps keep "every step since T0 until 20 years ahead" small for a unit test.
    const Params hourly = *Params::create(Hash::sha1, 6, 3600, 0);
    const std::uint64_t h = *step_at(hourly, now);
    const OtpKey key = test::rfc6238_key();
    const auto r = *resync(key, hourly, key.code(3, 6), key.code(4, 6), now, ResyncWindow{true, 0});
    EXPECT_EQ(r.searched.first, 0U);
    EXPECT_EQ(r.searched.last, h + static_cast<std::uint64_t>(resync_all_future_seconds / 3600));
    ASSERT_TRUE(r.found());
    EXPECT_EQ(r.matches[0].code1_step, 3U);
    EXPECT_EQ(r.matches[0].offset_steps, step_diff(4, h));
}

TEST(Resync, IdenticalCodesAreRefused) {
    const OtpKey key = test::rfc6238_key();
    const auto r = resync(key, params, key.code(n, 6), key.code(n, 6), now, ResyncWindow{});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("same"), std::string::npos);
}

TEST(Resync, CodesProblemNamesLengthBeforeSameness) {
    const OtpKey key = test::rfc6238_key();
    const Code six = key.code(n, 6);
    const Code eight = key.code(n, 8);
    EXPECT_EQ(resync_codes_problem(params, six, key.code(n + 1, 6)), ResyncCodesProblem::none);
    EXPECT_EQ(resync_codes_problem(params, eight, eight), ResyncCodesProblem::code1_length);
    EXPECT_EQ(resync_codes_problem(params, six, eight), ResyncCodesProblem::code2_length);
    EXPECT_EQ(resync_codes_problem(params, six, six), ResyncCodesProblem::same_codes);
}

}  // namespace
}  // namespace hwtotp::resync_test
