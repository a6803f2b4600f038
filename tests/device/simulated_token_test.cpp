// The simulated display token: RFC 6238 codes without drift, drifted codes as the token's own
// clock dictates, and random seeds.
#include <gtest/gtest.h>

#include <limits>

#include "hwtotp/device/random_seed.h"
#include "hwtotp/device/simulated_token.h"
#include "hwtotp/totp/steps.h"
#include "test_helpers.h"

namespace hwtotp::device {
namespace {

Params eight_digits() {
    return *Params::create(Hash::sha1, 8, 30, 0);
}

TEST(SimulatedToken, RfcVectorsWithoutDrift) {
    auto token = SimulatedToken::create("GAKT00000001", test::rfc_seed(), eight_digits(),
                                        DriftModel::starting_at(0, 0.0));
    ASSERT_TRUE(token);
    EXPECT_EQ(token->press(59)->str(), "94287082");
    EXPECT_EQ(token->press(1111111109)->str(), "07081804");
    EXPECT_EQ(token->press(20000000000)->str(), "65353130");
    EXPECT_EQ(token->serial(), "GAKT00000001");
    EXPECT_EQ(token->params(), eight_digits());
}

TEST(SimulatedToken, OffsetShiftsTheDisplay) {
    // A token 30 s fast shows at t = 29 what a correct one shows at t = 59.
    auto token = SimulatedToken::create("GAKT00000001", test::rfc_seed(), eight_digits(),
                                        DriftModel::starting_at(0, 0.0, 30));
    ASSERT_TRUE(token);
    EXPECT_EQ(token->press(29)->str(), "94287082");
}

TEST(SimulatedToken, DriftAfterAYearIsFortyTwoStepsAhead) {
    const std::int64_t since = 1'700'000'000;
    const std::int64_t later = since + 31'557'600;
    auto token = SimulatedToken::create("GAKT00000001", test::rfc_seed(), Params::standard(),
                                        DriftModel::starting_at(since, 40.0));
    ASSERT_TRUE(token);
    const auto real_step = *step_at(Params::standard(), later);
    const auto token_step = *token->token_step(later);
    // 1262 s ahead: 42 steps, or 43 when `later` sits in the last 2 s of its step.
    EXPECT_GE(token_step - real_step, 42U);
    EXPECT_LE(token_step - real_step, 43U);
    EXPECT_EQ(token->press(later)->str(), token->code_for_step(token_step).str());
}

TEST(SimulatedToken, BeforeT0IsAnError) {
    auto token = SimulatedToken::create("X", test::rfc_seed(), Params::standard(),
                                        DriftModel::starting_at(0, 0.0, -100));
    ASSERT_TRUE(token);
    EXPECT_FALSE(token->press(10));
}

TEST(SimulatedToken, ClockPastInt64IsAnErrorNotASaturatedCode) {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    auto token = SimulatedToken::create("X", test::rfc_seed(), Params::standard(),
                                        DriftModel::starting_at(0, 0.0, max - 10));
    ASSERT_TRUE(token);
    EXPECT_TRUE(token->press(10));
    auto past = token->press(11);
    ASSERT_FALSE(past);
    EXPECT_EQ(past.error().message,
              "the token's clock is outside 64-bit Unix time at real time 11");
}

TEST(SimulatedToken, EmptySeedIsRefused) {
    EXPECT_FALSE(SimulatedToken::create("X", Secret(), Params::standard(), {}));
}

TEST(RandomSeed, TwentyFreshBytes) {
    auto a = random_seed(20);
    auto b = random_seed(20);
    ASSERT_TRUE(a);
    ASSERT_TRUE(b);
    EXPECT_EQ(a->size(), 20U);
    EXPECT_FALSE(a->equals(*b));
    EXPECT_FALSE(random_seed(0));
}

}  // namespace
}  // namespace hwtotp::device
