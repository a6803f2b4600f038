// verify_token: window around the stored offset, replay refused, lockout, bounded offset.

#include <gtest/gtest.h>

#include "hwtotp/store/verify.h"
#include "hwtotp/totp/otp_key.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace {

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

class VerifyTest : public ::testing::Test {
  protected:
    void SetUp() override {
        registry.emplace(test::open_registry(dir));
        auto import = registry->begin_import(false, t_base);
        ASSERT_TRUE(import);
        ASSERT_TRUE(import->add(test::make_token("GAKT00000001", seed_hex), "t"));
        NewToken hotp = test::make_token("HOTP00000001", seed_hex);
        hotp.description.type = OtpType::hotp;
        hotp.description.counter = 5;
        ASSERT_TRUE(import->add(std::move(hotp), "h"));
        ASSERT_TRUE(import->commit());
    }

    VerifyOutcome verify(const Code& code, std::int64_t now, std::string serial = "GAKT00000001") {
        VerifyRequest request{.serial = std::move(serial), .code = code, .now = now};
        auto outcome = verify_token(*registry, request);
        EXPECT_TRUE(outcome) << (outcome ? "" : outcome.error().message);
        return outcome ? *outcome : VerifyOutcome{};
    }

    TempDir dir;
    std::optional<Registry> registry;
};

TEST_F(VerifyTest, AcceptsRecordsAndRefusesReplay) {
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

TEST_F(VerifyTest, WindowIsCentredOnStoredOffset) {
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

TEST_F(VerifyTest, OffsetMovesAtMostTheWindowAndNeverBehindLastStep) {
    ASSERT_EQ(verify(code_at(step_base), t_base).status, VerifyStatus::accepted);
    // An unused code from one step back is accepted; the offset moves by one, not more.
    auto back = verify(code_at(step_base + 9), t_base + 10 * 30);
    ASSERT_EQ(back.status, VerifyStatus::accepted);
    EXPECT_EQ(back.offset, -1);
    // A code two steps back of the new centre (now - 1) is outside ±1: the window did not
    // slide back further.
    auto far_back = verify(code_at(step_base + 17), t_base + 20 * 30);
    EXPECT_EQ(far_back.status, VerifyStatus::rejected);
    auto info = registry->info("GAKT00000001");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->state.offset_steps, -1);
    EXPECT_EQ(info->state.last_step, step_base + 9);
}

TEST_F(VerifyTest, LocksAfterTenFailuresUntilUnlocked) {
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

TEST_F(VerifyTest, SuccessResetsFailureCount) {
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

TEST_F(VerifyTest, ThrottledAfterThreeFailuresWithoutLookingAtTheCode) {
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

TEST_F(VerifyTest, UnlockClearsTheThrottle) {
    const Code bad = other_code(code_at(step_base));
    for (int i = 0; i < 3; ++i)
        (void)verify(bad, t_base);
    ASSERT_TRUE(registry->unlock("GAKT00000001"));
    EXPECT_FALSE(registry->info("GAKT00000001")->state.last_failure_at);
    EXPECT_EQ(verify(code_at(step_base), t_base).status, VerifyStatus::accepted);
}

TEST_F(VerifyTest, ReplaysAreNotCountedAsFailures) {
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

TEST_F(VerifyTest, HotpLooksAheadAndAdvancesCounter) {
    auto outcome = verify(code_at(7), 0, "HOTP00000001");
    // Window 1 looks at counters 5..6 only.
    EXPECT_EQ(outcome.status, VerifyStatus::rejected);
    ASSERT_TRUE(registry->unlock("HOTP00000001"));
    auto at6 = verify(code_at(6), 0, "HOTP00000001");
    EXPECT_EQ(at6.status, VerifyStatus::accepted);
    EXPECT_EQ(registry->info("HOTP00000001")->description.counter, 7U);
    auto replay = verify(code_at(6), 0, "HOTP00000001");
    EXPECT_EQ(replay.status, VerifyStatus::rejected);  // counter 6 is behind: never searched
}

TEST_F(VerifyTest, RecordAcceptIsConditional) {
    ASSERT_EQ(*registry->record_accept("GAKT00000001", 100, 0, 1), AcceptOutcome::recorded);
    EXPECT_EQ(*registry->record_accept("GAKT00000001", 100, 0, 1), AcceptOutcome::replay);
    EXPECT_EQ(*registry->record_accept("GAKT00000001", 99, 0, 1), AcceptOutcome::replay);
    EXPECT_EQ(registry->record_accept("NOPE", 101, 0, 1).error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace hwtotp::store
