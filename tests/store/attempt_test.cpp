// The registry's attempt counter: counted before the code is looked at, refused with a reason,
// settled by a success, a replay or a failure (registry.h, "Attempts").

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "backend_param.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace attempt_test {

using test::TempDir;

constexpr const char* serial = "GAKT00000001";
constexpr std::int64_t end_of_time = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t start_of_time = std::numeric_limits<std::int64_t>::min();

class AttemptTest : public ::testing::TestWithParam<test::Backend> {
  protected:
    void SetUp() override {
        HWTOTP_BACKEND_PATHS_OR_SKIP(paths, dir, GetParam());
        registry.emplace(test::open_registry(paths));
        auto import = registry->begin_import(false, 1000);
        ASSERT_TRUE(import);
        ASSERT_TRUE(
            import->add(test::make_token(serial, "3132333435363738393031323334353637383930"), "t"));
        ASSERT_TRUE(import->commit());
    }

    AttemptReservation reserve(std::int64_t now, const AttemptRules& rules) {
        auto r = registry->reserve_attempt(serial, now, rules);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? *r : AttemptReservation{};
    }
    Attempt counted(std::int64_t now, const AttemptRules& rules) {
        const auto r = reserve(now, rules);
        EXPECT_TRUE(r.attempt) << "refused with " << static_cast<int>(r.refusal);
        return r.attempt.value_or(Attempt{});
    }
    TokenState state() { return registry->info(serial)->state; }

    TempDir dir;
    RegistryPaths paths;
    std::optional<Registry> registry;
};

const AttemptRules three_no_waits{3, {}};

TEST_P(AttemptTest, CountsUpToTheLimitThenRefusesSayingWhy) {
    for (int position = 1; position <= 3; ++position)
        EXPECT_EQ(counted(1000, three_no_waits).position, position);
    // Three counted, none settled: the fourth waits for them.
    const auto fourth = reserve(1000, three_no_waits);
    EXPECT_FALSE(fourth.attempt);
    EXPECT_EQ(fourth.refusal, AttemptRefusal::limit);
    EXPECT_EQ(fourth.failures, 3);
    EXPECT_FALSE(state().locked);
}

TEST_P(AttemptTest, AFailureAtTheLimitLocksAndALockRefuses) {
    const Attempt a = counted(1000, three_no_waits);
    (void)counted(1000, three_no_waits);
    const auto first = registry->record_failure(serial, a, 1001);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->failures, 2);
    EXPECT_FALSE(first->locked);
    const Attempt c = counted(1000, three_no_waits);
    const auto third = registry->record_failure(serial, c, 1002);
    ASSERT_TRUE(third);
    EXPECT_TRUE(third->locked);
    EXPECT_EQ(state().locked_since, 1002);
    EXPECT_EQ(state().last_failure_at, 1002);
    EXPECT_EQ(reserve(5000, three_no_waits).refusal, AttemptRefusal::locked);
}

TEST_P(AttemptTest, ThrottleRefusalSaysHowLongToWait) {
    const AttemptRules rules{10, {0, 0, 0, 5}};
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(registry->record_failure(serial, counted(100, rules), 100));
    const auto early = reserve(103, rules);
    EXPECT_FALSE(early.attempt);
    EXPECT_EQ(early.refusal, AttemptRefusal::throttled);
    EXPECT_EQ(early.retry_in, 2);
    EXPECT_EQ(early.failures, 3);
    EXPECT_EQ(reserve(99, rules).retry_in, 6);  // a clock set back waits too
    EXPECT_TRUE(reserve(105, rules).attempt);
}

TEST_P(AttemptTest, ThrottleThresholdsSaturateAtTheEndsOfTime) {
    const AttemptRules rules{10, {0, 5}};
    ASSERT_TRUE(registry->record_failure(serial, counted(end_of_time, rules), end_of_time));
    const auto at_end = reserve(end_of_time, rules);
    EXPECT_EQ(at_end.refusal, AttemptRefusal::throttled);
    EXPECT_EQ(at_end.retry_in, 5);
    const auto set_back = reserve(start_of_time, rules);
    EXPECT_EQ(set_back.refusal, AttemptRefusal::throttled);
    EXPECT_EQ(set_back.retry_in, end_of_time);  // 2^64 + 4 s, said as the most there is

    ASSERT_TRUE(registry->unlock(serial));
    ASSERT_TRUE(registry->record_failure(serial, counted(start_of_time, rules), start_of_time));
    EXPECT_EQ(reserve(start_of_time + 4, rules).retry_in, 1);
    EXPECT_TRUE(reserve(start_of_time + 5, rules).attempt);
}

TEST_P(AttemptTest, AReleasedAttemptIsNotCounted) {
    const Attempt a = counted(1000, three_no_waits);
    ASSERT_TRUE(registry->release_attempt(serial, a));
    EXPECT_EQ(state().failures, 0);
    EXPECT_EQ(state().last_failure_at, std::nullopt);
}

TEST_P(AttemptTest, ASuccessInFlightLiftsTheLockThatCountingItBroughtAbout) {
    // w1, R (right code), w2 counted together; w1 fails first: three counted, so it locks.
    const Attempt w1 = counted(1000, three_no_waits);
    const Attempt right = counted(1000, three_no_waits);
    const Attempt w2 = counted(1000, three_no_waits);
    ASSERT_TRUE(registry->record_failure(serial, w1, 1000)->locked);
    // One at a time, R would have been accepted after w1: so it is, and the lock goes.
    EXPECT_EQ(*registry->record_accept(serial, right, 40, 7, 1000), AcceptOutcome::recorded);
    EXPECT_FALSE(state().locked);
    EXPECT_EQ(state().failures, 0);
    EXPECT_EQ(state().locked_since, std::nullopt);
    // A success resets the count, attempts still being checked included.
    EXPECT_FALSE(registry->record_failure(serial, w2, 1000)->locked);
}

TEST_P(AttemptTest, AReplayInFlightLiftsTheLockThatCountedIt) {
    const Attempt w1 = counted(1000, three_no_waits);
    const Attempt replay = counted(1000, three_no_waits);
    const Attempt w2 = counted(1000, three_no_waits);
    ASSERT_TRUE(registry->record_failure(serial, w1, 1000)->locked);
    ASSERT_TRUE(registry->record_failure(serial, w2, 1000)->locked);
    ASSERT_TRUE(registry->release_attempt(serial, replay));
    // Two wrong codes and a replay: two failures, not locked.
    EXPECT_EQ(state().failures, 2);
    EXPECT_FALSE(state().locked);
}

TEST_P(AttemptTest, AnAttemptCountedBeforeASuccessSettlesNothingAfterIt) {
    const Attempt replay = counted(1000, three_no_waits);
    const Attempt right = counted(1000, three_no_waits);
    ASSERT_EQ(*registry->record_accept(serial, right, 40, 0, 1000), AcceptOutcome::recorded);
    const Attempt wrong = counted(1001, three_no_waits);
    // The replay's count was reset by the success: releasing it must not free the place the
    // new wrong code holds.
    ASSERT_TRUE(registry->release_attempt(serial, replay));
    EXPECT_EQ(state().failures, 1);
    (void)wrong;
}

TEST_P(AttemptTest, AnAttemptThatLostItsPlaceIsRefusedByALock) {
    const Attempt late = counted(1000, three_no_waits);
    ASSERT_EQ(*registry->record_accept(serial, counted(1000, three_no_waits), 40, 0, 1000),
              AcceptOutcome::recorded);
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(registry->record_failure(serial, counted(1001, three_no_waits), 1001));
    ASSERT_TRUE(state().locked);
    // Counted before the success and the lock that followed it: the lock holds.
    EXPECT_EQ(*registry->record_accept(serial, late, 41, 0, 1002), AcceptOutcome::locked);
    // A used step is a replay whatever the lock (so that its attempt is taken back).
    EXPECT_EQ(*registry->record_accept(serial, late, 40, 0, 1002), AcceptOutcome::replay);
    EXPECT_TRUE(state().locked);
}

TEST_P(AttemptTest, HotpAcceptSettlesLikeTotp) {
    auto import = registry->begin_import(false, 1000);
    ASSERT_TRUE(import);
    NewToken hotp = test::make_token("HOTP00000001", "3132333435363738393031323334353637383930");
    hotp.description.type = OtpType::hotp;
    hotp.description.counter = 5;
    ASSERT_TRUE(import->add(std::move(hotp), "h"));
    ASSERT_TRUE(import->commit());
    auto a = registry->reserve_attempt("HOTP00000001", 0, three_no_waits);
    auto b = registry->reserve_attempt("HOTP00000001", 0, three_no_waits);
    ASSERT_TRUE(a && a->attempt && b && b->attempt);
    EXPECT_EQ(*registry->record_hotp_accept("HOTP00000001", *a->attempt, 6),
              AcceptOutcome::recorded);
    EXPECT_EQ(registry->info("HOTP00000001")->description.counter, 7U);
    EXPECT_EQ(registry->info("HOTP00000001")->state.failures, 0);
    // The other one matched the same counter: a replay, and its release changes nothing.
    EXPECT_EQ(*registry->record_hotp_accept("HOTP00000001", *b->attempt, 6), AcceptOutcome::replay);
    ASSERT_TRUE(registry->release_attempt("HOTP00000001", *b->attempt));
    EXPECT_EQ(registry->info("HOTP00000001")->state.failures, 0);
}

TEST_P(AttemptTest, UnknownTokenIsNotFound) {
    auto r = registry->reserve_attempt("NOPE0001", 0, three_no_waits);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::not_found);
}

HWTOTP_INSTANTIATE_FOR_BACKENDS(AttemptTest);

}  // namespace attempt_test
}  // namespace hwtotp::store
