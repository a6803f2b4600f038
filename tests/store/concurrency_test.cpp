// Several processes at once, and processes killed with SIGKILL half-way (fork; no sleeps).

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hwtotp/store/import.h"
#include "hwtotp/store/verify.h"
#include "hwtotp/totp/otp_key.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace concurrency_test {

using test::TempDir;

constexpr const char* seed_hex = "3132333435363738393031323334353637383930";
constexpr std::int64_t t_base = 1'700'000'010;
constexpr std::uint64_t step_base = 56'666'667;

Code code_at(std::uint64_t step) {
    return OtpKey::create(test::secret_from_hex(seed_hex), Hash::sha1)->code(step, 6);
}

void import_one(const TempDir& dir) {
    auto registry = test::open_registry(dir);
    auto import = registry.begin_import(false, t_base);
    ASSERT_TRUE(import);
    ASSERT_TRUE(import->add(test::make_token("GAKT00000001", seed_hex), "t"));
    ASSERT_TRUE(import->commit());
}

TEST(Concurrency, ExactlyOneProcessAcceptsTheSameCode) {
    TempDir dir;
    import_one(dir);
    constexpr int processes = 6;
    for (int round = 0; round < 3; ++round) {
        const std::uint64_t step = step_base + static_cast<std::uint64_t>(round) * 10;
        const std::int64_t now = t_base + round * 300;
        const auto codes = test::run_released_together(
            {test::paths_in(dir), 5000}, processes, [&](Registry& registry) {
                VerifyRequest request{.serial = "GAKT00000001", .code = code_at(step), .now = now};
                auto outcome = verify_token(registry, request);
                if (!outcome)
                    return 4;
                if (outcome->status == VerifyStatus::accepted)
                    return 0;
                return outcome->status == VerifyStatus::replay ? 5 : 1;
            });
        const auto accepted = std::count(codes.begin(), codes.end(), 0);
        const auto replayed = std::count(codes.begin(), codes.end(), 5);
        EXPECT_EQ(accepted, 1) << "round " << round;
        EXPECT_EQ(replayed, processes - 1) << "round " << round;
    }
    auto registry = test::open_registry(dir);
    auto history = registry.history("GAKT00000001");
    ASSERT_TRUE(history);
    EXPECT_EQ(history->size(), 4U);  // import + one verify per round
}

TEST(Concurrency, ParallelAttemptsAreNeverCountedPastTheLimit) {
    // The lockout's own bound, without the throttle (rules with no waits): 40 processes count
    // an attempt at once, and exactly max_failures of them get one.
    TempDir dir;
    import_one(dir);
    constexpr int processes = 40;
    const AttemptRules rules{max_failures, {}};
    const auto codes = test::run_released_together(
        {test::paths_in(dir), 5000}, processes, [&](Registry& registry) {
            auto r = registry.reserve_attempt("GAKT00000001", t_base, rules);
            return !r ? 4 : r->attempt ? 0 : r->refusal == AttemptRefusal::limit ? 5 : 1;
        });
    const auto counted = std::count(codes.begin(), codes.end(), 0);
    const auto refused = std::count(codes.begin(), codes.end(), 5);
    EXPECT_EQ(counted, max_failures);
    EXPECT_EQ(refused, processes - max_failures);
    auto registry = test::open_registry(dir);
    EXPECT_EQ(registry.info("GAKT00000001")->state.failures, max_failures);
}

TEST(CrashSafety, KilledImportLeavesRegistryUnchanged) {
    TempDir dir;
    import_one(dir);
    std::string csv;
    for (int i = 0; i < 3000; ++i)
        csv += "K" + std::to_string(1000000 + i) + ",3132333435363738393031323334353637383930\n";
    test::write_file(dir.file("big.csv"), csv);
    const pid_t pid =
        test::fork_import_killed_halfway(test::paths_in(dir), dir.file("big.csv"), t_base);
    ASSERT_GE(pid, 0);
    EXPECT_EQ(test::child_exit_code(pid), 128 + SIGKILL);
    auto registry = test::open_registry(dir);
    auto list = registry.list();
    ASSERT_TRUE(list);
    EXPECT_EQ(list->size(), 1U);
    EXPECT_EQ(test::sqlite_shell(dir.file("tokens.db"), "PRAGMA integrity_check;"), "ok");
}

TEST(CrashSafety, KilledVerifierLeavesAConsistentRecord) {
    TempDir dir;
    import_one(dir);
    std::array<int, 2> progress{};
    ASSERT_EQ(::pipe(progress.data()), 0);
    const pid_t pid = test::fork_verifier(test::paths_in(dir), "GAKT00000001", code_at, step_base,
                                          t_base, progress[1]);
    ASSERT_GE(pid, 0);
    ::close(progress[1]);
    for (int i = 0; i < 25; ++i) {
        char done = 0;
        ASSERT_EQ(::read(progress[0], &done, 1), 1);
    }
    ::kill(pid, SIGKILL);  // somewhere inside a verify, or between two
    EXPECT_EQ(test::child_exit_code(pid), 128 + SIGKILL);
    ::close(progress[0]);

    EXPECT_EQ(test::sqlite_shell(dir.file("tokens.db"), "PRAGMA integrity_check;"), "ok");
    auto registry = test::open_registry(dir);
    auto info = registry.info("GAKT00000001");
    ASSERT_TRUE(info);
    ASSERT_TRUE(info->state.last_step);
    const auto accepted = *info->state.last_step - step_base + 1;
    EXPECT_GE(accepted, 25U);
    auto history = registry.history("GAKT00000001");
    ASSERT_TRUE(history);
    // Every recorded step has exactly its history entry: nothing half-written.
    EXPECT_EQ(history->size(), accepted + 1);
    // And the registry carries on: the next code is accepted, the last one refused.
    const auto next = *info->state.last_step + 1;
    VerifyRequest replay{.serial = "GAKT00000001",
                         .code = code_at(next - 1),
                         .now = t_base + static_cast<std::int64_t>(next - 1 - step_base) * 30};
    EXPECT_EQ(verify_token(registry, replay)->status, VerifyStatus::replay);
    VerifyRequest fresh{.serial = "GAKT00000001",
                        .code = code_at(next),
                        .now = t_base + static_cast<std::int64_t>(next - step_base) * 30};
    EXPECT_EQ(verify_token(registry, fresh)->status, VerifyStatus::accepted);
}

}  // namespace concurrency_test
}  // namespace hwtotp::store
