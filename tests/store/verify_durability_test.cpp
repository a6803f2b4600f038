// What a verify writes and syncs (registry.h, "Durability"): one sync per verify, after its
// last write, so that an accepted step or a counted failure is on disk before the caller hears
// of it, and the reservation that came first is made durable by the same sync.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "hwtotp/store/verify.h"
#include "hwtotp/totp/otp_key.h"
#include "io_recording_vfs.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace verify_durability_test {

constexpr const char* seed_hex = "3132333435363738393031323334353637383930";
constexpr std::int64_t now = 1'700'000'010;

Code hotp_code(std::uint64_t counter) {
    return OtpKey::create(test::secret_from_hex(seed_hex), Hash::sha1)->code(counter, 6);
}

class VerifyDurability : public ::testing::Test {
  protected:
    void SetUp() override {
        {
            auto registry = test::open_registry(dir_);
            auto import = registry.begin_import(false, now);
            ASSERT_TRUE(import);
            NewToken token = test::make_token("HOTP00000001", seed_hex);
            token.description.type = OtpType::hotp;
            ASSERT_TRUE(import->add(std::move(token), "h"));
            ASSERT_TRUE(import->commit());
        }
        // Opened while the recording is the default VFS. A first verify leaves the -wal file
        // in use, so that what the next one writes is its own (no -wal restart).
        registry_.emplace(test::open_registry(dir_));
        ASSERT_EQ(verify(hotp_code(0)), VerifyStatus::accepted);
        io_.clear();
    }

    VerifyStatus verify(const Code& code) {
        VerifyRequest request{.serial = "HOTP00000001", .code = code, .now = now};
        auto outcome = verify_token(*registry_, request);
        EXPECT_TRUE(outcome) << (outcome ? "" : outcome.error().message);
        return outcome ? outcome->status : VerifyStatus::busy;
    }

    // The syncs among the recorded events, and whether anything was written after the last.
    [[nodiscard]] int syncs() const {
        int n = 0;
        for (const auto& event : io_.events())
            n += event.starts_with("sync ") ? 1 : 0;
        return n;
    }
    [[nodiscard]] bool ends_with_a_sync() const {
        return !io_.events().empty() && io_.events().back().starts_with("sync ");
    }

    test::TempDir dir_;
    test::IoRecording io_;
    std::optional<Registry> registry_;
};

TEST_F(VerifyDurability, AcceptedCodeIsSyncedOnceAfterItsLastWrite) {
    ASSERT_EQ(verify(hotp_code(1)), VerifyStatus::accepted);
    EXPECT_EQ(syncs(), 1) << testing::PrintToString(io_.events());
    EXPECT_TRUE(ends_with_a_sync()) << testing::PrintToString(io_.events());
    EXPECT_EQ(io_.events().back(), "sync wal");
}

TEST_F(VerifyDurability, WrongCodeIsSyncedOnceAfterItsLastWrite) {
    ASSERT_EQ(verify(hotp_code(40)), VerifyStatus::rejected);
    EXPECT_EQ(syncs(), 1) << testing::PrintToString(io_.events());
    EXPECT_TRUE(ends_with_a_sync()) << testing::PrintToString(io_.events());
}

TEST_F(VerifyDurability, ReplayIsSyncedOnceAfterItsLastWrite) {
    ASSERT_EQ(verify(hotp_code(0)), VerifyStatus::replay);
    EXPECT_EQ(syncs(), 1) << testing::PrintToString(io_.events());
    EXPECT_TRUE(ends_with_a_sync()) << testing::PrintToString(io_.events());
}

TEST_F(VerifyDurability, WriteAfterAFailedReservationIsStillSynced) {
    // The reservation leaves early (no such token): its unsynced setting must not stay behind
    // for the connection's next write.
    const AttemptRules rules{.max_failures = 10, .waits = {}};
    ASSERT_FALSE(registry_->reserve_attempt("NOPE0001", now, rules));
    io_.clear();
    ASSERT_TRUE(registry_->assign_owner("HOTP00000001", "alice"));
    EXPECT_EQ(syncs(), 1) << testing::PrintToString(io_.events());
    EXPECT_TRUE(ends_with_a_sync()) << testing::PrintToString(io_.events());
}

// Registry::Options::checkpoint_on_close = false (the PAM module: one connection per login).
class LoginConnections : public ::testing::Test {
  protected:
    void SetUp() override {
        auto registry = test::open_registry(dir_);
        auto import = registry.begin_import(false, now);
        ASSERT_TRUE(import);
        NewToken token = test::make_token("HOTP00000001", seed_hex);
        token.description.type = OtpType::hotp;
        ASSERT_TRUE(import->add(std::move(token), "h"));
        ASSERT_TRUE(import->commit());
    }

    // One login: a connection of its own, one accepted code.
    void log_in(std::uint64_t counter) {
        Registry::Options options{test::paths_in(dir_), 5000, Registry::Access::write};
        options.checkpoint_on_close = false;
        auto registry = Registry::open(options);
        ASSERT_TRUE(registry) << registry.error().message;
        VerifyRequest request{.serial = "HOTP00000001", .code = hotp_code(counter), .now = now};
        auto outcome = verify_token(*registry, request);
        ASSERT_TRUE(outcome) << outcome.error().message;
        ASSERT_EQ(outcome->status, VerifyStatus::accepted);
    }

    [[nodiscard]] std::uintmax_t wal_size() const {
        return std::filesystem::file_size(test::paths_in(dir_).db + "-wal");
    }

    test::TempDir dir_;
};

TEST_F(LoginConnections, CloseLeavesTheLoginInTheWalFileForTheNextReader) {
    {
        const test::IoRecording io;
        log_in(0);
        for (const auto& event : io.events())
            EXPECT_NE(event, "sync db") << "checkpointed on close";
    }
    EXPECT_GT(wal_size(), 0U);
    EXPECT_EQ(test::open_registry(dir_).info("HOTP00000001")->description.counter, 1U);
}

TEST_F(LoginConnections, WalFileStaysWithinAFewLoginsOfPages) {
    // 16 KiB pages, 2 per HOTP login: SQLite's default automatic checkpoint (1000 pages) would
    // let the -wal file grow to 16 MiB, and every login would read it whole.
    std::uintmax_t largest = 0;
    for (std::uint64_t counter = 0; counter < 60; ++counter) {
        log_in(counter);
        largest = std::max(largest, wal_size());
    }
    EXPECT_LE(largest, std::uintmax_t{40} * 16 * 1024);
    EXPECT_EQ(test::open_registry(dir_).info("HOTP00000001")->description.counter, 60U);
}

}  // namespace verify_durability_test
}  // namespace hwtotp::store
