// verify_token: window around the stored offset, replay refused, lockout, bounded offset.

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "backend_param.h"
#include "hwtotp/store/verify.h"
#include "hwtotp/totp/otp_key.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace verify_test {

using test::TempDir;

constexpr const char* seed_hex = "3132333435363738393031323334353637383930";
constexpr std::int64_t t_base = 1'700'000'010;  // step 56666667 at 30 s
constexpr std::uint64_t step_base = 56'666'667;

Code code_at(std::uint64_t step, const char* hex = seed_hex, int digits = 6) {
    auto key = OtpKey::create(test::secret_from_hex(hex), Hash::sha1);
    return key->code(step, digits);
}

Code other_code(const Code& c) {
    std::string s = c.str();
    s[0] = s[0] == '9' ? '0' : static_cast<char>(s[0] + 1);
    return *Code::parse(s);
}

class VerifyTest : public ::testing::TestWithParam<test::Backend> {
  protected:
    void SetUp() override {
        HWTOTP_BACKEND_PATHS_OR_SKIP(paths, dir, GetParam());
        registry.emplace(test::open_registry(paths));
        auto import = registry->begin_import(false, t_base);
        ASSERT_TRUE(import);
        ASSERT_TRUE(import->add(test::make_token("GAKT00000001", seed_hex), "t"));
        NewToken hotp = test::make_token("HOTP00000001", seed_hex);
        hotp.description.type = OtpType::hotp;
        hotp.description.counter = 5;
        ASSERT_TRUE(import->add(std::move(hotp), "h"));
        ASSERT_TRUE(import->commit());
    }

    VerifyOutcome verify(const Code& code, std::int64_t now, std::string serial = "GAKT00000001",
                         std::optional<std::uint64_t> window = std::nullopt) {
        VerifyRequest request{
            .serial = std::move(serial), .code = code, .now = now, .window = window};
        auto outcome = verify_token(*registry, request);
        EXPECT_TRUE(outcome) << (outcome ? "" : outcome.error().message);
        return outcome ? *outcome : VerifyOutcome{};
    }
    // Adds one more token; `change` adjusts it before the import.
    template <typename Change>
    void add_token(const std::string& serial, Change change) {
        auto import = registry->begin_import(false, t_base);
        ASSERT_TRUE(import);
        NewToken token = test::make_token(serial, seed_hex);
        change(token.description);
        ASSERT_TRUE(import->add(std::move(token), "extra"));
        ASSERT_TRUE(import->commit());
    }
    int failures(const std::string& serial = "GAKT00000001") {
        return registry->info(serial)->state.failures;
    }

    TempDir dir;
    RegistryPaths paths;
    std::optional<Registry> registry;
};

TEST_P(VerifyTest, AcceptsRecordsAndRefusesReplay) {
    auto first = verify(code_at(step_base), t_base);
    EXPECT_EQ(first.status, VerifyStatus::accepted);
    EXPECT_EQ(first.step, step_base);
    EXPECT_EQ(first.offset, 0);
    EXPECT_TRUE(first.first_use);
    auto again = verify(code_at(step_base), t_base + 1);
    EXPECT_EQ(again.status, VerifyStatus::replay);
    // The previous step is also "already used" territory now.
    auto older = verify(code_at(step_base - 1), t_base);
    EXPECT_EQ(older.status, VerifyStatus::replay);
    auto next = verify(code_at(step_base + 1), t_base + 30);
    EXPECT_EQ(next.status, VerifyStatus::accepted);
    auto info = registry->info("GAKT00000001");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->state.last_step, step_base + 1);
}

TEST_P(VerifyTest, WindowIsCentredOnStoredOffset) {
    // Token 3 steps ahead, learnt at first use (wide window).
    auto first = verify(code_at(step_base + 3), t_base);
    ASSERT_EQ(first.status, VerifyStatus::accepted);
    EXPECT_EQ(first.offset, 3);
    // Later, ±1 around now + 3: the token's current code (now + 3) is accepted ...
    auto later = verify(code_at(step_base + 100 + 3), t_base + 100 * 30);
    EXPECT_EQ(later.status, VerifyStatus::accepted);
    EXPECT_EQ(later.offset, 3);
    EXPECT_EQ(later.window_used, 1);
    // ... and a code for our own "now" (3 steps from the centre) is not.
    auto miss = verify(code_at(step_base + 200), t_base + 200 * 30);
    EXPECT_EQ(miss.status, VerifyStatus::rejected);
}

TEST_P(VerifyTest, OffsetMovesAtMostTheWindowAndNeverBehindLastStep) {
    ASSERT_EQ(verify(code_at(step_base), t_base).status, VerifyStatus::accepted);
    // An unused code from one step back is accepted; the offset moves by one, not more.
    auto back = verify(code_at(step_base + 9), t_base + 10 * 30);
    ASSERT_EQ(back.status, VerifyStatus::accepted);
    EXPECT_EQ(back.offset, -1);
    // Two observed offsets now, so the window centres on the drift prediction (-2 at +20
    // steps), moved from the stored offset by at most ⌈100 ppm × 300 s / 30 s⌉ = 1 step: ±1
    // around -2. A code 4 steps back is outside: the window did not slide back further.
    auto far_back = verify(code_at(step_base + 16), t_base + 20 * 30);
    EXPECT_EQ(far_back.status, VerifyStatus::rejected);
    EXPECT_TRUE(far_back.centred_on_prediction);
    EXPECT_EQ(far_back.centre_offset_steps, -2);
    auto info = registry->info("GAKT00000001");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->state.offset_steps, -1);
    EXPECT_EQ(info->state.last_step, step_base + 9);
}

TEST_P(VerifyTest, LocksAfterTenFailuresUntilUnlocked) {
    const Code bad = other_code(code_at(step_base));
    std::int64_t now = t_base;
    for (int i = 1; i <= 9; ++i) {
        auto outcome = verify(bad, now);
        EXPECT_EQ(outcome.status, VerifyStatus::rejected);
        EXPECT_EQ(outcome.failures, i);
        now += throttle_delay(i);  // wait out the throttle, as a patient attacker would
    }
    auto tenth = verify(bad, now);
    EXPECT_EQ(tenth.status, VerifyStatus::locked);
    EXPECT_EQ(tenth.failures, 10);
    const Code good = code_at(step_base + static_cast<std::uint64_t>((now - t_base) / 30));
    EXPECT_EQ(verify(good, now + 3600).status, VerifyStatus::locked);  // no time unlocks it
    auto info = registry->info("GAKT00000001");
    ASSERT_TRUE(info);
    EXPECT_TRUE(info->state.locked);
    EXPECT_EQ(info->state.locked_since, now);
    ASSERT_TRUE(registry->unlock("GAKT00000001"));
    EXPECT_EQ(verify(good, now).status, VerifyStatus::accepted);
}

TEST_P(VerifyTest, SuccessResetsFailureCount) {
    const Code bad = other_code(code_at(step_base));
    std::int64_t now = t_base;
    for (int i = 1; i <= 9; ++i) {
        (void)verify(bad, now);
        now += throttle_delay(i);
    }
    const auto step = step_base + static_cast<std::uint64_t>((now - t_base) / 30);
    ASSERT_EQ(verify(code_at(step), now).status, VerifyStatus::accepted);
    auto next_bad = verify(other_code(code_at(step + 1)), now + 30);
    EXPECT_EQ(next_bad.status, VerifyStatus::rejected);
    EXPECT_EQ(next_bad.failures, 1);
}

TEST(ThrottleDelay, FiveSecondsDoublingFromTheThirdFailureCappedAtFiveMinutes) {
    EXPECT_EQ(throttle_delay(0), 0);
    EXPECT_EQ(throttle_delay(2), 0);
    EXPECT_EQ(throttle_delay(3), 5);
    EXPECT_EQ(throttle_delay(4), 10);
    EXPECT_EQ(throttle_delay(8), 160);
    EXPECT_EQ(throttle_delay(9), 300);
    EXPECT_EQ(throttle_delay(10), 300);
    EXPECT_EQ(throttle_delay(1'000'000), 300);
}

TEST_P(VerifyTest, ThrottledAfterThreeFailuresWithoutLookingAtTheCode) {
    const Code good = code_at(step_base);
    const Code bad = other_code(good);
    for (int i = 1; i <= 3; ++i)
        EXPECT_EQ(verify(bad, t_base).status, VerifyStatus::rejected) << i;
    // Even the right code is refused inside the delay, and the refusal is not counted.
    auto early = verify(good, t_base + 4);
    EXPECT_EQ(early.status, VerifyStatus::throttled);
    EXPECT_EQ(early.retry_in, 1);
    EXPECT_EQ(early.failures, 3);
    EXPECT_EQ(verify(bad, t_base + 1).retry_in, 4);
    EXPECT_EQ(registry->info("GAKT00000001")->state.failures, 3);
    // A clock set back before the last failure waits too.
    EXPECT_EQ(verify(good, t_base - 100).status, VerifyStatus::throttled);
    // After the delay the code is looked at again; a miss doubles the next delay.
    auto fourth = verify(bad, t_base + 5);
    EXPECT_EQ(fourth.status, VerifyStatus::rejected);
    EXPECT_EQ(fourth.failures, 4);
    EXPECT_EQ(verify(good, t_base + 14).retry_in, 1);
    EXPECT_EQ(verify(good, t_base + 15).status, VerifyStatus::accepted);
    // Success resets: the next miss is the first again, not throttled.
    EXPECT_EQ(registry->info("GAKT00000001")->state.failures, 0);
}

TEST_P(VerifyTest, UnlockClearsTheThrottle) {
    const Code bad = other_code(code_at(step_base));
    for (int i = 0; i < 3; ++i)
        (void)verify(bad, t_base);
    ASSERT_TRUE(registry->unlock("GAKT00000001"));
    EXPECT_FALSE(registry->info("GAKT00000001")->state.last_failure_at);
    EXPECT_EQ(verify(code_at(step_base), t_base).status, VerifyStatus::accepted);
}

TEST_P(VerifyTest, ReplaysAreNotCountedAsFailures) {
    const Code used = code_at(step_base);
    ASSERT_EQ(verify(used, t_base).status, VerifyStatus::accepted);
    // Someone who saw the used code replays it 20 times: its owner is neither locked nor slowed.
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(verify(used, t_base + 1).status, VerifyStatus::replay);
    auto info = registry->info("GAKT00000001");
    EXPECT_EQ(info->state.failures, 0);
    EXPECT_FALSE(info->state.locked);
    EXPECT_EQ(verify(code_at(step_base + 1), t_base + 30).status, VerifyStatus::accepted);
}

TEST_P(VerifyTest, HotpLooksAheadAndAdvancesCounter) {
    auto outcome = verify(code_at(7), 0, "HOTP00000001");
    // Window 1 looks at counters 5..6 only.
    EXPECT_EQ(outcome.status, VerifyStatus::rejected);
    ASSERT_TRUE(registry->unlock("HOTP00000001"));
    auto at6 = verify(code_at(6), 0, "HOTP00000001");
    EXPECT_EQ(at6.status, VerifyStatus::accepted);
    EXPECT_EQ(registry->info("HOTP00000001")->description.counter, 7U);
    auto replay = verify(code_at(6), 0, "HOTP00000001");
    EXPECT_EQ(replay.status, VerifyStatus::replay);  // counter 6 is behind the next one
    EXPECT_EQ(replay.step, 6U);
}

TEST_P(VerifyTest, RecordAcceptIsConditional) {
    ASSERT_EQ(*registry->record_accept("GAKT00000001", 100, 0, 1), AcceptOutcome::recorded);
    EXPECT_EQ(*registry->record_accept("GAKT00000001", 100, 0, 1), AcceptOutcome::replay);
    EXPECT_EQ(*registry->record_accept("GAKT00000001", 99, 0, 1), AcceptOutcome::replay);
    EXPECT_EQ(registry->record_accept("NOPE", 101, 0, 1).error().code, ErrorCode::not_found);
}

// ---- Replayed HOTP codes ------------------------------------------------------------------

TEST_P(VerifyTest, HotpReplayIsRefusedWithoutCountingAFailure) {
    ASSERT_EQ(verify(code_at(5), 0, "HOTP00000001").status, VerifyStatus::accepted);
    // Whoever saw the used code replays it 20 times: refused as a replay every time, and its
    // owner is neither throttled nor locked out.
    for (int i = 0; i < 20; ++i) {
        const auto replay = verify(code_at(5), i, "HOTP00000001");
        EXPECT_EQ(replay.status, VerifyStatus::replay) << i;
        EXPECT_EQ(replay.step, 5U);
        EXPECT_TRUE(replay.code_checked);
    }
    EXPECT_EQ(failures("HOTP00000001"), 0);
    EXPECT_FALSE(registry->info("HOTP00000001")->state.locked);
    EXPECT_EQ(verify(code_at(6), 30, "HOTP00000001").status, VerifyStatus::accepted);
}

TEST_P(VerifyTest, HotpReplayLooksBackAWindowsWorthOfCounters) {
    // Counter 5 is next; window 2 accepts 7, and the next expected counter is 8.
    ASSERT_EQ(verify(code_at(7), 0, "HOTP00000001", 2).status, VerifyStatus::accepted);
    // Window 2 looks back at 6 and 7: counter 6 (skipped, but behind) is a replay.
    EXPECT_EQ(verify(code_at(6), 0, "HOTP00000001", 2).status, VerifyStatus::replay);
    // Window 1 looks back at 7 only: counter 6 is then just a wrong code.
    EXPECT_EQ(verify(code_at(6), 0, "HOTP00000001", 1).status, VerifyStatus::rejected);
    EXPECT_EQ(failures("HOTP00000001"), 1);
}

TEST_P(VerifyTest, HotpAtCounterZeroHasNothingToLookBackAt) {
    add_token("HOTP00000002", [](TokenDescription& d) {
        d.type = OtpType::hotp;
        d.counter = 0;
    });
    EXPECT_EQ(verify(code_at(2), 0, "HOTP00000002").status, VerifyStatus::rejected);
    EXPECT_EQ(verify(code_at(0), 0, "HOTP00000002").status, VerifyStatus::accepted);
}

// ---- The window limit: a chance match must stay under 1% -----------------------------------

TEST(MaxWindow, KeepsTheOddsOfAChanceMatchAtOrUnderOnePercent) {
    // (2W+1)·10^-digits for TOTP, (W+1)·10^-digits for HOTP.
    EXPECT_EQ(max_window(OtpType::totp, 6), 4999U);
    EXPECT_EQ(max_window(OtpType::totp, 7), 49'999U);
    EXPECT_EQ(max_window(OtpType::totp, 8), 499'999U);
    EXPECT_EQ(max_window(OtpType::hotp, 6), 9999U);
    EXPECT_EQ(max_window(OtpType::hotp, 8), 999'999U);
}

TEST_P(VerifyTest, WindowAboveOnePercentOddsIsRefusedBeforeAnythingIsCounted) {
    // The old failure: a ±2,000,000-step window found a chance match for some code at +128,667
    // steps and recorded it as the token's offset, bricking the token.
    for (const std::uint64_t window : {std::uint64_t{5000}, std::uint64_t{2'000'000},
                                       std::numeric_limits<std::uint64_t>::max()}) {
        VerifyRequest request{.serial = "GAKT00000001",
                              .code = *Code::parse("000000"),
                              .now = t_base,
                              .window = window};
        auto outcome = verify_token(*registry, request);
        ASSERT_FALSE(outcome) << window;
        EXPECT_EQ(outcome.error().code, ErrorCode::invalid_input);
        EXPECT_NE(outcome.error().message.find("above 1%"), std::string::npos)
            << outcome.error().message;
        EXPECT_NE(outcome.error().message.find("up to ±4999 steps"), std::string::npos)
            << outcome.error().message;
        EXPECT_EQ(outcome.error().message.find("--"), std::string::npos);  // no CLI flag
    }
    auto info = registry->info("GAKT00000001");
    EXPECT_FALSE(info->state.last_step);
    EXPECT_EQ(info->state.failures, 0);
    EXPECT_EQ(info->state.offset_steps, 0);
    // The widest window allowed is searched, and a code at its edge is accepted.
    const auto edge = verify(code_at(step_base + 4999), t_base, "GAKT00000001", 4999);
    EXPECT_EQ(edge.status, VerifyStatus::accepted);
    EXPECT_EQ(edge.window_used, 4999);
}

TEST_P(VerifyTest, HotpLookAheadAboveOnePercentOddsIsRefused) {
    VerifyRequest request{.serial = "HOTP00000001", .code = code_at(5), .now = 0, .window = 10'000};
    auto outcome = verify_token(*registry, request);
    ASSERT_FALSE(outcome);
    EXPECT_EQ(outcome.error().code, ErrorCode::invalid_input);
    EXPECT_NE(outcome.error().message.find("10001 counters"), std::string::npos)
        << outcome.error().message;
    EXPECT_EQ(failures("HOTP00000001"), 0);
    EXPECT_EQ(verify(code_at(5 + 9999), 0, "HOTP00000001", 9999).status, VerifyStatus::accepted);
}

TEST_P(VerifyTest, FirstUseWindowStaysUnderTheLimitEvenAtOneSecondSteps) {
    // 600 s each way at a 1 s period: ±600 steps, 1201·10^-6 = 0.12%.
    add_token("GAKT00000009",
              [](TokenDescription& d) { d.params = *Params::create(Hash::sha1, 6, 1, 0); });
    const auto t = static_cast<std::uint64_t>(t_base);
    const auto first = verify(code_at(t + 600), t_base, "GAKT00000009");
    EXPECT_EQ(first.status, VerifyStatus::accepted);
    EXPECT_EQ(first.window_used, 600);
    EXPECT_TRUE(first.first_use);
}

// ---- Checked arithmetic at the ends of time -----------------------------------------------

constexpr std::int64_t end_of_time = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t start_of_time = std::numeric_limits<std::int64_t>::min();

TEST_P(VerifyTest, ThrottleHoldsAfterFailuresAtTheEndOfTime) {
    // The old throttle computed last_failure_at + delay: past 2^63 - 1 it wrapped negative and
    // throttling stopped.
    const auto step = static_cast<std::uint64_t>(end_of_time / 30);
    const Code good = code_at(step);
    const Code bad = other_code(good);
    for (int i = 1; i <= 3; ++i)
        ASSERT_EQ(verify(bad, end_of_time).status, VerifyStatus::rejected) << i;
    const auto fourth = verify(bad, end_of_time);
    EXPECT_EQ(fourth.status, VerifyStatus::throttled);
    EXPECT_EQ(fourth.retry_in, 5);
    EXPECT_FALSE(fourth.code_checked);
    EXPECT_EQ(verify(good, end_of_time).status, VerifyStatus::throttled);
    EXPECT_EQ(failures(), 3);
}

TEST_P(VerifyTest, ThrottleHoldsAtTheStartOfTimeAndForAClockSetBackAcrossAllOfIt) {
    // HOTP has no T0, so any time is valid.
    const Code bad = other_code(code_at(5));
    for (int i = 1; i <= 3; ++i)
        ASSERT_EQ(verify(bad, start_of_time, "HOTP00000001").status, VerifyStatus::rejected);
    auto early = verify(bad, start_of_time + 4, "HOTP00000001");
    EXPECT_EQ(early.status, VerifyStatus::throttled);
    EXPECT_EQ(early.retry_in, 1);
    EXPECT_EQ(verify(bad, start_of_time + 5, "HOTP00000001").status, VerifyStatus::rejected);
    // The fourth failure at the end of time; a clock then set back to the start waits for as
    // long as can be said.
    ASSERT_TRUE(registry->unlock("HOTP00000001"));
    for (int i = 1; i <= 3; ++i)
        ASSERT_EQ(verify(bad, end_of_time, "HOTP00000001").status, VerifyStatus::rejected);
    auto set_back = verify(bad, start_of_time, "HOTP00000001");
    EXPECT_EQ(set_back.status, VerifyStatus::throttled);
    EXPECT_EQ(set_back.retry_in, end_of_time);
}

TEST_P(VerifyTest, TimeBeforeT0IsBadInputAndNotCounted) {
    add_token("GAKT00000010",
              [](TokenDescription& d) { d.params = *Params::create(Hash::sha1, 6, 30, 1000); });
    VerifyRequest before{.serial = "GAKT00000010", .code = code_at(0), .now = 999};
    auto refused = verify_token(*registry, before);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(failures("GAKT00000010"), 0);
    // At T0 exactly: step 0, the window clipped at the first step.
    const auto at_t0 = verify(code_at(0), 1000, "GAKT00000010");
    EXPECT_EQ(at_t0.status, VerifyStatus::accepted);
    EXPECT_EQ(at_t0.step, 0U);
}

TEST_P(VerifyTest, StepZeroAtTimeZero) {
    EXPECT_EQ(verify(code_at(0), 0).status, VerifyStatus::accepted);
    EXPECT_EQ(verify(code_at(0), 29).status, VerifyStatus::replay);
}

TEST_P(VerifyTest, OffsetSecondsSaturateAtTheLastStorableStep) {
    // A stored offset that puts the centre on the last step the registry can store (2^63 - 1).
    const auto last = static_cast<std::uint64_t>(end_of_time);
    add_token("GAKT00000011", [](TokenDescription& d) {
        d.offset_steps = end_of_time - static_cast<std::int64_t>(step_base);
    });
    const auto at_end = verify(code_at(last), t_base, "GAKT00000011");
    ASSERT_EQ(at_end.status, VerifyStatus::accepted);
    EXPECT_EQ(at_end.step, last);
    EXPECT_EQ(at_end.offset, end_of_time - static_cast<std::int64_t>(step_base));
    EXPECT_EQ(at_end.offset_seconds, end_of_time);  // offset × 30 does not fit: saturated
}

TEST_P(VerifyTest, StepsPastTheStorableRangeNeverMatch) {
    // Centred past 2^63 - 1: such a step cannot be recorded, so it is not a match (counted as
    // a failure, never a registry error after the attempt was counted).
    const auto last = static_cast<std::uint64_t>(end_of_time);
    add_token("GAKT00000012", [](TokenDescription& d) { d.offset_steps = end_of_time; });
    const auto beyond = verify(code_at(step_base + last), t_base, "GAKT00000012", 0);
    EXPECT_EQ(beyond.status, VerifyStatus::rejected);
}

// ---- The outcome says what happened ---------------------------------------------------------

TEST_P(VerifyTest, OutcomeSaysWhetherTheCodeWasLookedAtAndTheLimit) {
    const Code bad = other_code(code_at(step_base));
    const auto rejected = verify(bad, t_base);
    EXPECT_TRUE(rejected.code_checked);
    EXPECT_EQ(rejected.limit, max_failures);
    EXPECT_EQ(rejected.window_used, 20);  // first use: 600 s at 30 s
    EXPECT_FALSE(rejected.centred_on_prediction);
    EXPECT_EQ(rejected.type, OtpType::totp);
    EXPECT_EQ(rejected.params.period(), 30);
}

TEST_P(VerifyTest, WindowCentresOnTheBoundedDriftPrediction) {
    // Two resyncs a year apart, the token 100 steps further ahead at the second: the fit says
    // it gains 100 steps a year. A week after the second resync it predicts 102, inside the
    // bound: stored 100 ± ⌈100 ppm × 1 week / 30 s⌉ = 3 steps.
    constexpr std::int64_t year = 31'557'600;
    ASSERT_TRUE(registry->record_resync("GAKT00000001", step_base + 1, 0, t_base));
    const std::uint64_t later = step_base + static_cast<std::uint64_t>(year / 30);
    ASSERT_TRUE(registry->record_resync("GAKT00000001", later + 100, 100, t_base + year));
    const std::int64_t now = t_base + year + 7 * 86400;
    const auto now_step = static_cast<std::uint64_t>(now / 30);
    const auto v = verify(code_at(now_step + 102), now);
    EXPECT_EQ(v.status, VerifyStatus::accepted);
    EXPECT_TRUE(v.centred_on_prediction);
    EXPECT_EQ(v.centre_offset_steps, 102);
}

HWTOTP_INSTANTIATE_FOR_BACKENDS(VerifyTest);

}  // namespace verify_test
}  // namespace hwtotp::store
