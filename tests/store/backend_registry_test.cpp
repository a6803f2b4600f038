// The registry contract, run against every backend (backend_param.h): sealing round trip,
// ordering, history, removal, owners, imports all-or-nothing, the key check, reopening.

#include <gtest/gtest.h>

#include "backend_param.h"
#include "hwtotp/store/registry.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace backend_registry_test {

using test::TempDir;

constexpr const char* seed_a = "3132333435363738393031323334353637383930";
constexpr const char* seed_b = "0102030405060708090a0b0c0d0e0f1011121314";

class BackendRegistry : public ::testing::TestWithParam<test::Backend> {
  protected:
    void SetUp() override { HWTOTP_BACKEND_PATHS_OR_SKIP(paths, dir, GetParam()); }

    Registry open() { return test::open_registry(paths); }

    Result<void> add(Registry& registry, std::vector<std::pair<std::string, std::string>> tokens,
                     bool replace = false) {
        HWTOTP_ASSIGN_OR_RETURN(auto import, registry.begin_import(replace, 1'700'000'000));
        for (const auto& [serial, seed] : tokens)
            HWTOTP_TRY(import.add(test::make_token(serial, seed), "record"));
        return import.commit();
    }

    TempDir dir;
    RegistryPaths paths;
};

TEST_P(BackendRegistry, SealedSeedsRoundTripAndListInSerialOrder) {
    {
        auto registry = open();
        ASSERT_TRUE(add(registry, {{"GAKT00000002", seed_b}, {"GAKT00000001", seed_a}}));
    }
    auto registry = open();  // reopened: the schema is current, the key read from the file
    auto token = registry.get("GAKT00000002");
    ASSERT_TRUE(token) << token.error().message;
    EXPECT_EQ(test::hex_of(token->seed), seed_b);
    EXPECT_EQ(token->info.imported_at, 1'700'000'000);
    auto list = registry.list();
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 2U);
    EXPECT_EQ((*list)[0].description.serial, "GAKT00000001");
    EXPECT_EQ((*list)[1].description.serial, "GAKT00000002");
}

TEST_P(BackendRegistry, AFailedImportLeavesNothing) {
    auto registry = open();
    ASSERT_TRUE(add(registry, {{"GAKT00000001", seed_a}}));
    auto failed = add(registry, {{"GAKT00000002", seed_b}, {"GAKT00000001", seed_b}});
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, ErrorCode::invalid_input);
    EXPECT_NE(failed.error().message.find("already in the registry"), std::string::npos);
    EXPECT_EQ(registry.list()->size(), 1U);
    EXPECT_EQ(registry.info("GAKT00000002").error().code, ErrorCode::not_found);
}

TEST_P(BackendRegistry, ReplaceResetsTheStateAndKeepsTheHistory) {
    auto registry = open();
    ASSERT_TRUE(add(registry, {{"GAKT00000001", seed_a}}));
    ASSERT_EQ(*registry.record_accept("GAKT00000001", 100, 2, 3000), AcceptOutcome::recorded);
    ASSERT_TRUE(add(registry, {{"GAKT00000001", seed_b}}, true));
    auto token = registry.get("GAKT00000001");
    ASSERT_TRUE(token);
    EXPECT_EQ(test::hex_of(token->seed), seed_b);
    EXPECT_FALSE(token->info.state.last_step);
    auto history = registry.history("GAKT00000001");
    ASSERT_TRUE(history);
    ASSERT_EQ(history->size(), 3U);  // import, verify, import
    EXPECT_EQ((*history)[1].how, ObservedBy::verify);
    EXPECT_EQ((*history)[1].offset_steps, 2);
}

TEST_P(BackendRegistry, AcceptIsRecordedOnceAndALockRefuses) {
    auto registry = open();
    ASSERT_TRUE(add(registry, {{"GAKT00000001", seed_a}}));
    EXPECT_EQ(*registry.record_accept("GAKT00000001", 100, 0, 3000), AcceptOutcome::recorded);
    EXPECT_EQ(*registry.record_accept("GAKT00000001", 100, 0, 3000), AcceptOutcome::replay);
    EXPECT_EQ(*registry.record_accept("GAKT00000001", 99, 0, 3000), AcceptOutcome::replay);
    for (int i = 0; i < 3; ++i)
        (void)registry.record_failure("GAKT00000001", 3, 3001);
    EXPECT_TRUE(registry.info("GAKT00000001")->state.locked);
    EXPECT_EQ(*registry.record_accept("GAKT00000001", 101, 0, 3030), AcceptOutcome::locked);
    // A resync is recorded through a lock; the lock stays until unlock.
    EXPECT_EQ(*registry.record_resync("GAKT00000001", 105, 5, 3100), AcceptOutcome::recorded);
    EXPECT_TRUE(registry.info("GAKT00000001")->state.locked);
    ASSERT_TRUE(registry.unlock("GAKT00000001"));
    const TokenState state = registry.info("GAKT00000001")->state;
    EXPECT_FALSE(state.locked);
    EXPECT_EQ(state.failures, 0);
    EXPECT_EQ(state.last_step, 105U);
    EXPECT_EQ(state.offset_steps, 5);
}

TEST_P(BackendRegistry, HotpCounterAdvancesOnce) {
    auto registry = open();
    auto import = registry.begin_import(false, 1000);
    ASSERT_TRUE(import);
    NewToken token = test::make_token("HOTP00000001", seed_a);
    token.description.type = OtpType::hotp;
    token.description.counter = 5;
    ASSERT_TRUE(import->add(std::move(token), "h"));
    ASSERT_TRUE(import->commit());
    EXPECT_EQ(*registry.record_hotp_accept("HOTP00000001", 7), AcceptOutcome::recorded);
    EXPECT_EQ(*registry.record_hotp_accept("HOTP00000001", 7), AcceptOutcome::replay);
    EXPECT_EQ(registry.info("HOTP00000001")->description.counter, 8U);
}

TEST_P(BackendRegistry, RemoveTakesTheHistoryAndAbsentIsNotFound) {
    auto registry = open();
    ASSERT_TRUE(add(registry, {{"GAKT00000001", seed_a}}));
    ASSERT_TRUE(registry.remove("GAKT00000001"));
    EXPECT_EQ(registry.remove("GAKT00000001").error().code, ErrorCode::not_found);
    EXPECT_EQ(registry.history("GAKT00000001").error().code, ErrorCode::not_found);
    EXPECT_EQ(registry.unlock("NOPE").error().code, ErrorCode::not_found);
    EXPECT_EQ(registry.get("NOPE").error().code, ErrorCode::not_found);
}

TEST_P(BackendRegistry, OneTokenPerOwner) {
    auto registry = open();
    ASSERT_TRUE(add(registry, {{"GAKT00000001", seed_a}, {"GAKT00000002", seed_b}}));
    ASSERT_TRUE(registry.assign_owner("GAKT00000001", "alice"));
    auto second = registry.assign_owner("GAKT00000002", "alice");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::invalid_input);
    EXPECT_NE(second.error().message.find("GAKT00000001"), std::string::npos);
    EXPECT_EQ(**registry.token_of_owner("alice"), "GAKT00000001");
    ASSERT_TRUE(registry.unassign_owner("GAKT00000001"));
    EXPECT_FALSE(*registry.token_of_owner("alice"));
    EXPECT_EQ(registry.assign_owner("NOPE", "bob").error().code, ErrorCode::not_found);
}

TEST_P(BackendRegistry, AnotherKeyFileIsRefused) {
    {
        auto registry = open();
        ASSERT_TRUE(add(registry, {{"GAKT00000001", seed_a}}));
    }
    TempDir other;
    { auto registry = test::open_registry(other); }  // makes other/tokens.key
    RegistryPaths wrong = paths;
    wrong.key = other.file("tokens.key");
    auto registry = Registry::open({wrong, 5000, Registry::Access::write});
    ASSERT_FALSE(registry);
    EXPECT_EQ(registry.error().code, ErrorCode::registry);
    EXPECT_NE(registry.error().message.find("does not belong to registry"), std::string::npos);
}

TEST_P(BackendRegistry, WriteAndReadAccessNeedAnExistingRegistry) {
    for (auto access : {Registry::Access::write, Registry::Access::read}) {
        auto registry = Registry::open({paths, 5000, access});
        ASSERT_FALSE(registry);
        EXPECT_EQ(registry.error().code, ErrorCode::registry);
        EXPECT_NE(registry.error().message.find("no registry at"), std::string::npos);
    }
}

TEST_P(BackendRegistry, ReadAccessReadsWhatWasWritten) {
    {
        auto registry = open();
        ASSERT_TRUE(add(registry, {{"GAKT00000001", seed_a}}));
    }
    auto reader = Registry::open({paths, 5000, Registry::Access::read});
    ASSERT_TRUE(reader) << reader.error().message;
    EXPECT_EQ(test::hex_of(reader->get("GAKT00000001")->seed), seed_a);
}

// More rows than one of PostgreSQL's import batches (500): all there, each with its history.
TEST_P(BackendRegistry, ALargeImportIsWhollyThereAndARepeatedOwnerFailsItWhole) {
    auto registry = open();
    const auto token = [](int i) {
        NewToken t = test::make_token("K" + std::to_string(100000 + i), seed_a);
        t.description.owner = "user" + std::to_string(i);
        return t;
    };
    {
        auto import = registry.begin_import(false, 1'700'000'000);
        ASSERT_TRUE(import);
        for (int i = 0; i < 1200; ++i)
            ASSERT_TRUE(import->add(token(i), "line"));
        // Record 1201 names the owner of record 3: refused, and the import with it.
        NewToken repeated = token(1200);
        repeated.description.owner = "user3";
        auto refused = import->add(std::move(repeated), "line 1201");
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
        EXPECT_NE(refused.error().message.find("its owner user3"), std::string::npos)
            << refused.error().message;
    }
    EXPECT_TRUE(registry.list()->empty());
    auto import = registry.begin_import(false, 1'700'000'000);
    ASSERT_TRUE(import);
    for (int i = 0; i < 1200; ++i)
        ASSERT_TRUE(import->add(token(i), "line"));
    ASSERT_TRUE(import->commit());
    EXPECT_EQ(registry.list()->size(), 1200U);
    EXPECT_EQ(**registry.token_of_owner("user1100"), "K101100");
    EXPECT_EQ(test::hex_of(registry.get("K101199")->seed), seed_a);
    EXPECT_EQ(registry.history("K100777")->size(), 1U);
}

// A source registry (SQLite, in its own directory) using the key file of `paths`.
Registry sqlite_source(const TempDir& source_dir, const RegistryPaths& paths) {
    return test::open_registry(RegistryPaths{source_dir.file("tokens.db"), paths.key});
}

TEST_P(BackendRegistry, CopyKeepsStateHistoryOwnersAndTheSealedSeeds) {
    TempDir source_dir;
    auto target = open();  // creates the key file the source then shares
    auto source = sqlite_source(source_dir, paths);
    ASSERT_TRUE(add(source, {{"GAKT00000001", seed_a}, {"GAKT00000002", seed_b}}));
    ASSERT_EQ(*source.record_accept("GAKT00000001", 100, 3, 3000), AcceptOutcome::recorded);
    ASSERT_TRUE(source.record_failure("GAKT00000002", 10, 3001));
    ASSERT_TRUE(source.assign_owner("GAKT00000002", "bob"));

    auto copied = target.copy_from(source, false);
    ASSERT_TRUE(copied) << copied.error().message;
    EXPECT_EQ(copied->added, 2U);
    auto one = target.get("GAKT00000001");
    ASSERT_TRUE(one) << one.error().message;
    EXPECT_EQ(test::hex_of(one->seed), seed_a);
    EXPECT_EQ(one->info.state.last_step, 100U);
    EXPECT_EQ(one->info.state.offset_steps, 3);
    EXPECT_EQ(one->info.imported_at, 1'700'000'000);
    EXPECT_EQ(target.history("GAKT00000001")->size(), 2U);
    // The used step stays used on the target.
    EXPECT_EQ(*target.record_accept("GAKT00000001", 100, 0, 3000), AcceptOutcome::replay);
    const TokenState two = target.info("GAKT00000002")->state;
    EXPECT_EQ(two.failures, 1);
    EXPECT_EQ(two.last_failure_at, 3001);
    EXPECT_EQ(**target.token_of_owner("bob"), "GAKT00000002");
}

TEST_P(BackendRegistry, CopyRefusesATargetHoldingTokensUnlessMerging) {
    TempDir source_dir;
    auto target = open();
    ASSERT_TRUE(add(target, {{"GAKT00000001", seed_b}, {"GAKT00000009", seed_b}}));
    auto source = sqlite_source(source_dir, paths);
    ASSERT_TRUE(add(source, {{"GAKT00000001", seed_a}, {"GAKT00000002", seed_a}}));
    auto refused = target.copy_from(source, false);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(target.list()->size(), 2U);
    auto merged = target.copy_from(source, true);
    ASSERT_TRUE(merged) << merged.error().message;
    EXPECT_EQ(merged->added, 1U);
    EXPECT_EQ(merged->replaced, 1U);
    EXPECT_EQ(target.list()->size(), 3U);
    EXPECT_EQ(test::hex_of(target.get("GAKT00000001")->seed), seed_a);
    EXPECT_EQ(target.history("GAKT00000001")->size(), 1U);  // the source's history only
}

TEST_P(BackendRegistry, CopyBetweenRegistriesWithDifferentKeysCopiesNothing) {
    TempDir source_dir;
    auto target = open();
    auto source = test::open_registry(source_dir);  // its own key file
    ASSERT_TRUE(add(source, {{"GAKT00000001", seed_a}}));
    auto refused = target.copy_from(source, false);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::registry);
    EXPECT_NE(refused.error().message.find("different master keys"), std::string::npos);
    EXPECT_TRUE(target.list()->empty());
}

HWTOTP_INSTANTIATE_FOR_BACKENDS(BackendRegistry);

}  // namespace backend_registry_test
}  // namespace hwtotp::store
