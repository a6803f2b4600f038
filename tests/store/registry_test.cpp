// Registry: sealing round trip, AAD binding, file modes, key file checks, schema versions.

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "hwtotp/store/registry.h"
#include "other_user.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace registry_test {

using test::TempDir;

constexpr const char* seed_a = "3132333435363738393031323334353637383930";
constexpr const char* seed_b = "0102030405060708090a0b0c0d0e0f1011121314";

void add_tokens(Registry& registry, std::initializer_list<std::pair<const char*, const char*>> list,
                bool replace = false) {
    auto import = registry.begin_import(replace, 1'700'000'000);
    ASSERT_TRUE(import) << import.error().message;
    int i = 0;
    for (const auto& [serial, seed] : list) {
        auto ok = import->add(test::make_token(serial, seed), "record " + std::to_string(++i));
        ASSERT_TRUE(ok) << ok.error().message;
    }
    auto ok = import->commit();
    ASSERT_TRUE(ok) << ok.error().message;
}

TEST(Registry, SealedSeedRoundTrips) {
    TempDir dir;
    {
        auto registry = test::open_registry(dir);
        add_tokens(registry, {{"GAKT00000001", seed_a}, {"GAKT00000002", seed_b}});
    }
    auto registry = test::open_registry(dir);  // reopened: key read from the file
    auto token = registry.get("GAKT00000002");
    ASSERT_TRUE(token) << token.error().message;
    EXPECT_EQ(test::hex_of(token->seed), seed_b);
    EXPECT_EQ(token->info.description.type, OtpType::totp);
    EXPECT_EQ(token->info.imported_at, 1'700'000'000);
    auto list = registry.list();
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 2U);
    EXPECT_EQ((*list)[0].description.serial, "GAKT00000001");
    // The seed is not stored in the clear.
    const auto raw =
        test::read_file(dir.file("tokens.db")) + test::read_file(dir.file("tokens.db-wal"));
    EXPECT_EQ(raw.find("12345678901234567890"), std::string::npos);
}

TEST(Registry, SeedsSealedOnAnotherThreadOpenHere) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    auto import = registry.begin_import(false, 1'700'000'000);
    ASSERT_TRUE(import) << import.error().message;
    auto sealer = import->sealer();
    ASSERT_TRUE(sealer) << sealer.error().message;
    std::vector<SealedToken> sealed;
    std::thread([&] {
        for (const auto& [serial, seed] : {std::pair{"A0000001", seed_a}, {"B0000002", seed_b}}) {
            auto token = sealer->seal(test::make_token(serial, seed), serial);
            ASSERT_TRUE(token) << token.error().message;
            sealed.push_back(std::move(*token));
        }
    }).join();
    ASSERT_EQ(sealed.size(), 2U);
    // Each seal draws its own nonce; the blob is the 20-byte seed's ciphertext and a 16-byte
    // tag, and not the seed itself.
    EXPECT_NE(sealed[0].nonce(), sealed[1].nonce());
    ASSERT_EQ(sealed[0].sealed_seed().size(), 20U + 16U);
    const Secret plain = test::secret_from_hex(seed_a);
    EXPECT_FALSE(
        std::equal(plain.expose().begin(), plain.expose().end(), sealed[0].sealed_seed().begin()));
    for (auto& token : sealed) {
        auto ok = import->add(std::move(token), "sealed");
        ASSERT_TRUE(ok) << ok.error().message;
    }
    ASSERT_TRUE(import->commit());
    EXPECT_EQ(test::hex_of(registry.get("A0000001")->seed), seed_a);
    EXPECT_EQ(test::hex_of(registry.get("B0000002")->seed), seed_b);
}

TEST(Registry, SealerRefusesBadSerialAndEmptySeed) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    auto import = registry.begin_import(false, 1);
    ASSERT_TRUE(import);
    auto sealer = import->sealer();
    ASSERT_TRUE(sealer);
    auto bad_serial = sealer->seal(test::make_token("has space", seed_a), "line 7");
    ASSERT_FALSE(bad_serial);
    EXPECT_EQ(bad_serial.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(bad_serial.error().message.rfind("line 7: ", 0), 0U) << bad_serial.error().message;
    NewToken empty = test::make_token("A0000001", seed_a);
    empty.seed = Secret();
    auto no_seed = sealer->seal(std::move(empty), "line 8");
    ASSERT_FALSE(no_seed);
    EXPECT_EQ(no_seed.error().message, "line 8 (serial A0000001): the secret is empty");
}

TEST(Registry, CiphertextMovedToAnotherSerialDoesNotOpen) {
    TempDir dir;
    {
        auto registry = test::open_registry(dir);
        add_tokens(registry, {{"A0000001", seed_a}, {"B0000002", seed_b}});
    }
    test::sqlite_shell(dir.file("tokens.db"),
                       "UPDATE tokens SET (seed_nonce, seed_sealed) = (SELECT seed_nonce, "
                       "seed_sealed FROM tokens WHERE serial = 'A0000001') WHERE serial = "
                       "'B0000002';");
    auto registry = test::open_registry(dir);
    auto a = registry.get("A0000001");
    ASSERT_TRUE(a);
    auto b = registry.get("B0000002");
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().code, ErrorCode::registry);
    EXPECT_NE(b.error().message.find("B0000002"), std::string::npos);
    EXPECT_NE(b.error().message.find("does not decrypt"), std::string::npos);
}

TEST(Registry, FlippedBitInSealedSeedIsDetected) {
    TempDir dir;
    {
        auto registry = test::open_registry(dir);
        add_tokens(registry, {{"A0000001", seed_a}});
    }
    const std::string db = dir.file("tokens.db");
    const std::string select = "SELECT hex(seed_sealed) FROM tokens WHERE serial = 'A0000001';";
    const std::string sealed = test::sqlite_shell(db, select);
    ASSERT_GE(sealed.size(), 2U * 17) << sealed;  // ciphertext (at least a byte), 16-byte tag
    const auto store = [&](const std::string& hex) {
        test::sqlite_shell(
            db, "UPDATE tokens SET seed_sealed = X'" + hex + "' WHERE serial = 'A0000001';");
        ASSERT_EQ(test::sqlite_shell(db, select), hex);
    };
    // One bit flipped (XOR, so the byte always changes) in the ciphertext's first byte, in the
    // middle and in the tag's last byte: each is refused, and the untouched blob still opens.
    const std::size_t bytes = sealed.size() / 2;
    for (const std::size_t byte : {std::size_t{0}, bytes / 2, bytes - 1}) {
        std::string flipped = sealed;
        const unsigned long value = std::stoul(sealed.substr(2 * byte, 2), nullptr, 16) ^ 0x01UL;
        const char* digits = "0123456789ABCDEF";
        flipped[2 * byte] = digits[value >> 4U];
        flipped[2 * byte + 1] = digits[value & 0x0FU];
        ASSERT_NE(flipped, sealed);
        store(flipped);
        auto registry = test::open_registry(dir);
        const auto got = registry.get("A0000001");
        EXPECT_FALSE(got) << "bit 0 of byte " << byte << " flipped, yet the seed opened";
    }
    store(sealed);
    auto registry = test::open_registry(dir);
    EXPECT_TRUE(registry.get("A0000001"));
}

TEST(Registry, FilesAreCreatedPrivate) {
    TempDir dir;
    const std::string nested = dir.file("a/b");
    auto registry = Registry::open({{nested + "/tokens.db", nested + "/tokens.key"}, 5000});
    ASSERT_TRUE(registry) << registry.error().message;
    add_tokens(*registry, {{"A0000001", seed_a}});
    EXPECT_EQ(test::file_mode(nested + "/tokens.db"), 0600U);
    EXPECT_EQ(test::file_mode(nested + "/tokens.key"), 0600U);
    EXPECT_EQ(test::file_mode(nested + "/tokens.db-wal"), 0600U);
    EXPECT_EQ(test::file_mode(nested), 0700U);
    EXPECT_EQ(test::read_file(nested + "/tokens.key").size(), 32U);
}

TEST(Registry, WorldReadableKeyFileIsRefused) {
    TempDir dir;
    { auto registry = test::open_registry(dir); }
    ASSERT_EQ(::chmod(dir.file("tokens.key").c_str(), 0644), 0);
    auto registry = Registry::open({test::paths_in(dir), 5000});
    ASSERT_FALSE(registry);
    EXPECT_EQ(registry.error().code, ErrorCode::registry);
    EXPECT_NE(registry.error().message.find("chmod 600"), std::string::npos);
}

TEST(Registry, MissingKeyFileForExistingRegistryIsRefused) {
    TempDir dir;
    { auto registry = test::open_registry(dir); }
    ASSERT_EQ(::unlink(dir.file("tokens.key").c_str()), 0);
    auto registry = Registry::open({test::paths_in(dir), 5000});
    ASSERT_FALSE(registry);
    EXPECT_NE(registry.error().message.find("missing"), std::string::npos);
}

TEST(Registry, OtherKeyFileIsRefused) {
    TempDir dir;
    TempDir other;
    { auto registry = test::open_registry(dir); }
    { auto registry = test::open_registry(other); }
    auto registry = Registry::open({{dir.file("tokens.db"), other.file("tokens.key")}, 5000});
    ASSERT_FALSE(registry);
    EXPECT_NE(registry.error().message.find("does not belong"), std::string::npos);
}

TEST(Registry, NewerSchemaIsRefused) {
    TempDir dir;
    { auto registry = test::open_registry(dir); }
    test::sqlite_shell(dir.file("tokens.db"), "PRAGMA user_version = 99;");
    auto registry = Registry::open({test::paths_in(dir), 5000});
    ASSERT_FALSE(registry);
    EXPECT_EQ(registry.error().code, ErrorCode::registry);
    EXPECT_NE(registry.error().message.find("newer hwtotp"), std::string::npos);
}

// A current registry in `dir` holding GAKT00000001 (RFC 6238's seed), imported at 1000 and
// with step 77 accepted at 1100 (offset +2): what the migration tests turn back into an
// older schema.
void add_used_token(const TempDir& dir) {
    auto registry = test::open_registry(dir);
    auto import = registry.begin_import(false, 1000);
    ASSERT_TRUE(import);
    ASSERT_TRUE(import->add(
        test::make_token("GAKT00000001", "3132333435363738393031323334353637383930"), "t"));
    ASSERT_TRUE(import->commit());
    ASSERT_EQ(*registry.record_accept("GAKT00000001", 77, 2, 1100), AcceptOutcome::recorded);
}

TEST(Registry, VersionOneIsMigratedKeepingItsTokens) {
    TempDir dir;
    ASSERT_NO_FATAL_FAILURE(add_used_token(dir));
    // Turn the file back into what hwtotp with schema version 1 wrote.
    test::seal_as_schema_two(dir, "GAKT00000001", "3132333435363738393031323334353637383930");
    ASSERT_EQ(test::sqlite_shell(dir.file("tokens.db"),
                                 "ALTER TABLE tokens DROP COLUMN last_failure_at; "
                                 "PRAGMA user_version = 1; PRAGMA user_version;"),
              "1");
    auto registry = test::open_registry(dir);
    EXPECT_EQ(test::sqlite_shell(dir.file("tokens.db"), "PRAGMA user_version;"),
              std::to_string(schema_version));
    auto token = registry.get("GAKT00000001");
    ASSERT_TRUE(token);
    EXPECT_EQ(test::hex_of(token->seed), "3132333435363738393031323334353637383930");
    EXPECT_EQ(token->info.state.last_step, 77U);
    EXPECT_EQ(token->info.state.offset_steps, 2);
    EXPECT_FALSE(token->info.state.last_failure_at);
    EXPECT_EQ(registry.history("GAKT00000001")->size(), 2U);
    auto failed = registry.record_failure("GAKT00000001", 10, 1200);
    ASSERT_TRUE(failed);
    EXPECT_EQ(registry.info("GAKT00000001")->state.last_failure_at, 1200);
}

TEST(Registry, NotADatabaseIsRefused) {
    TempDir dir;
    test::write_file(dir.file("tokens.db"), std::string(4096, 'x'));
    auto registry = Registry::open({test::paths_in(dir), 5000});
    ASSERT_FALSE(registry);
    EXPECT_EQ(registry.error().code, ErrorCode::registry);
    EXPECT_NE(registry.error().message.find("not an SQLite database"), std::string::npos);
    EXPECT_EQ(test::read_file(dir.file("tokens.db")), std::string(4096, 'x'));
}

TEST(Registry, ForeignSqliteDatabaseIsRefused) {
    TempDir dir;
    test::sqlite_shell(dir.file("tokens.db"), "CREATE TABLE mine (x);");
    auto registry = Registry::open({test::paths_in(dir), 5000});
    ASSERT_FALSE(registry);
    EXPECT_NE(registry.error().message.find("not an hwtotp registry"), std::string::npos);
}

TEST(Registry, ReadOnlyDirectoryIsARegistryError) {
    // Root ignores directory permissions: the opening runs as an unprivileged user.
    if (!hwtotp::test::can_switch_user())
        GTEST_SKIP() << hwtotp::test::cannot_switch_user_reason();
    TempDir dir;
    ASSERT_EQ(::chmod(dir.path().c_str(), 0711), 0);
    const std::string reg = dir.file("reg");
    ASSERT_EQ(::mkdir(reg.c_str(), 0500), 0);
    hwtotp::test::give_to(reg, hwtotp::test::nobody_uid);
    const int status = hwtotp::test::run_as(hwtotp::test::nobody_uid, [&] {
        auto registry = Registry::open({{reg + "/tokens.db", reg + "/tokens.key"}, 5000});
        if (registry)
            return 1;
        return registry.error().code == ErrorCode::registry ? 0 : 2;
    });
    EXPECT_EQ(status, 0);
    EXPECT_TRUE(std::filesystem::is_empty(reg));
}

TEST(Registry, UncreatableLocationIsARegistryError) {
    // Works as root too: nobody can create directories under /proc.
    auto registry = Registry::open({{"/proc/hwtotp-test/tokens.db", "/proc/hwtotp-test/k"}, 5000});
    ASSERT_FALSE(registry);
    EXPECT_EQ(registry.error().code, ErrorCode::registry);
    EXPECT_NE(registry.error().message.find("/proc/hwtotp-test"), std::string::npos);
}

TEST(Registry, DuplicateSerialsNeedReplace) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    add_tokens(registry, {{"A0000001", seed_a}});
    {
        auto import = registry.begin_import(false, 1);
        ASSERT_TRUE(import);
        auto ok = import->add(test::make_token("A0000001", seed_b), "line 1");
        ASSERT_FALSE(ok);
        EXPECT_NE(ok.error().message.find("already in the registry"), std::string::npos);
    }
    {
        auto import = registry.begin_import(false, 1);
        ASSERT_TRUE(import);
        ASSERT_TRUE(import->add(test::make_token("C0000003", seed_b), "line 1"));
        auto ok = import->add(test::make_token("C0000003", seed_b), "line 2");
        ASSERT_FALSE(ok);
        EXPECT_NE(ok.error().message.find("more than once"), std::string::npos);
    }
    EXPECT_FALSE(registry.info("C0000003"));  // rolled back
    add_tokens(registry, {{"A0000001", seed_b}}, true);
    auto token = registry.get("A0000001");
    ASSERT_TRUE(token);
    EXPECT_EQ(test::hex_of(token->seed), seed_b);
}

TEST(Registry, RemoveAndNotFound) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    add_tokens(registry, {{"A0000001", seed_a}});
    ASSERT_TRUE(registry.remove("A0000001"));
    auto again = registry.remove("A0000001");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::not_found);
    EXPECT_EQ(registry.get("A0000001").error().code, ErrorCode::not_found);
}

TEST(Registry, HistoryIsAppendOnly) {
    TempDir dir;
    {
        auto registry = test::open_registry(dir);
        add_tokens(registry, {{"A0000001", seed_a}});
        ASSERT_TRUE(registry.record_resync("A0000001", 100, 3, 5000));
        auto history = registry.history("A0000001");
        ASSERT_TRUE(history);
        ASSERT_EQ(history->size(), 2U);
        EXPECT_EQ((*history)[0].how, ObservedBy::import);
        EXPECT_EQ((*history)[1].how, ObservedBy::resync);
        EXPECT_EQ((*history)[1].offset_steps, 3);
        EXPECT_EQ((*history)[1].at, 5000);
    }
    const auto out =
        test::sqlite_shell(dir.file("tokens.db"), "UPDATE history SET offset_steps = 0;");
    EXPECT_NE(out.find("append-only"), std::string::npos);
}

TEST(Registry, SealingUsesFreshNonces) {
    TempDir dir;
    {
        auto registry = test::open_registry(dir);
        add_tokens(registry, {{"A0000001", seed_a}, {"A0000002", seed_a}});
    }
    const auto count =
        test::sqlite_shell(dir.file("tokens.db"), "SELECT count(DISTINCT seed_nonce) FROM tokens;");
    EXPECT_EQ(count, "2");
}

// Schema 4 adds owners and lets the history say 'login': a version 3 registry keeps its tokens
// and history, and takes both afterwards.
TEST(Registry, VersionThreeGainsOwnersAndLoginHistoryKeepingItsEntries) {
    TempDir dir;
    ASSERT_NO_FATAL_FAILURE(add_used_token(dir));
    // What schema 3 had: no owner, and a history CHECK without 'login'.
    ASSERT_EQ(test::sqlite_shell(
                  dir.file("tokens.db"),
                  "DROP INDEX tokens_by_owner; ALTER TABLE tokens DROP COLUMN owner; "
                  "CREATE TABLE h3 (id INTEGER PRIMARY KEY, serial TEXT NOT NULL, at INTEGER NOT "
                  "NULL, offset_steps INTEGER NOT NULL, observed_by TEXT NOT NULL CHECK "
                  "(observed_by = 'verify' OR observed_by = 'resync' OR observed_by = 'enroll' "
                  "OR observed_by = 'import')); INSERT INTO h3 SELECT * FROM history; DROP TABLE "
                  "history; ALTER TABLE h3 RENAME TO history; PRAGMA user_version = 3; "
                  "PRAGMA user_version;"),
              "3");
    auto registry = test::open_registry(dir);
    EXPECT_EQ(test::sqlite_shell(dir.file("tokens.db"), "PRAGMA user_version;"), "4");
    ASSERT_EQ(registry.history("GAKT00000001")->size(), 2U);  // import and verify, kept
    ASSERT_TRUE(registry.assign_owner("GAKT00000001", "alice"));
    EXPECT_EQ(registry.token_of_owner("alice")->value_or(""), "GAKT00000001");
    EXPECT_FALSE(registry.token_of_owner("bob")->has_value());
    ASSERT_EQ(*registry.record_accept("GAKT00000001", 78, 2, 1130, ObservedBy::login),
              AcceptOutcome::recorded);
    EXPECT_EQ(registry.history("GAKT00000001")->back().how, ObservedBy::login);
}

}  // namespace registry_test
}  // namespace hwtotp::store
