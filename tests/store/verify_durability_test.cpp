// What a verify writes and syncs (registry.h, "Durability"): one sync per verify, after its
// last write, so that an accepted step or a counted failure is on disk before the caller hears
// of it, and the reservation that came first is made durable by the same sync.

#include <gtest/gtest.h>

#include <optional>

#include "hwtotp/store/verify.h"
#include "hwtotp/totp/otp_key.h"
#include "io_recording_vfs.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace {

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

}  // namespace
}  // namespace hwtotp::store
