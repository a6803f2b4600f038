// Registry files on a shared host and a tampered database: ownership and mode checks, files
// never followed or taken over, parameters bound to the sealed seed (schema 3), no implicit
// re-keying, read-only access that creates nothing, stale key temporaries.

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hwtotp/store/registry.h"
#include "hwtotp/store/verify.h"
#include "hwtotp/totp/otp_key.h"
#include "other_user.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace registry_trust_test {

using test::TempDir;
using Access = Registry::Access;

constexpr const char* seed_a = "3132333435363738393031323334353637383930";

Result<Registry> open_with(const TempDir& dir, Access access) {
    return Registry::open({test::paths_in(dir), 5000, access});
}

void add_token(Registry& registry, const std::string& serial, const char* seed = seed_a) {
    auto import = registry.begin_import(false, 1'700'000'000);
    ASSERT_TRUE(import) << import.error().message;
    auto ok = import->add(test::make_token(serial, seed), "record");
    ASSERT_TRUE(ok) << ok.error().message;
    ASSERT_TRUE(import->commit());
}

// A registry at dir holding one token, closed again.
void make_registry(const TempDir& dir, const std::string& serial = "GAKT00000001") {
    auto registry = test::open_registry(dir);
    add_token(registry, serial);
}

std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

void expect_refused(const Result<Registry>& registry, const std::string& fragment) {
    ASSERT_FALSE(registry) << "expected a refusal containing: " << fragment;
    EXPECT_EQ(registry.error().code, ErrorCode::registry);
    EXPECT_NE(registry.error().message.find(fragment), std::string::npos)
        << registry.error().message;
}

// ---------------------------------------------------------------------------------------------
// Ownership and modes

TEST(RegistryFiles, DatabaseOwnedByAnotherUserIsRefusedForEveryAccess) {
    if (!hwtotp::test::can_switch_user())
        GTEST_SKIP() << hwtotp::test::cannot_switch_user_reason();
    TempDir dir;
    make_registry(dir);
    hwtotp::test::give_to(dir.file("tokens.db"), hwtotp::test::nobody_uid);
    for (const auto access : {Access::create, Access::write, Access::read})
        expect_refused(open_with(dir, access), "belongs to uid 65534, not to you (uid 0)");
}

TEST(RegistryFiles, WalOrShmOwnedByAnotherUserIsRefused) {
    if (!hwtotp::test::can_switch_user())
        GTEST_SKIP() << hwtotp::test::cannot_switch_user_reason();
    for (const char* suffix : {"-wal", "-shm"}) {
        TempDir dir;
        make_registry(dir);
        const std::string planted = dir.file(std::string("tokens.db") + suffix);
        ::unlink(planted.c_str());
        test::write_file(planted, "");
        hwtotp::test::give_to(planted, hwtotp::test::nobody_uid);
        for (const auto access : {Access::create, Access::write, Access::read})
            expect_refused(open_with(dir, access), planted + " belongs to uid 65534");
    }
}

TEST(RegistryFiles, KeyFileOwnedByAnotherUserIsRefused) {
    if (!hwtotp::test::can_switch_user())
        GTEST_SKIP() << hwtotp::test::cannot_switch_user_reason();
    TempDir dir;
    make_registry(dir);
    hwtotp::test::give_to(dir.file("tokens.key"), hwtotp::test::nobody_uid);
    for (const auto access : {Access::create, Access::write, Access::read})
        expect_refused(open_with(dir, access), "key file " + dir.file("tokens.key") + " belongs");
}

TEST(RegistryFiles, DatabaseOrWalWritableByOthersIsRefused) {
    for (const char* name : {"tokens.db", "tokens.db-wal"}) {
        TempDir dir;
        make_registry(dir);
        ASSERT_EQ(::chmod(dir.file(name).c_str(), 0620), 0);
        expect_refused(open_with(dir, Access::read),
                       "has mode 0620: group or others may write it; fix with: chmod go-w");
    }
}

TEST(RegistryFiles, SymbolicLinkInPlaceOfAFileIsNotFollowed) {
    for (const char* name : {"tokens.db", "tokens.key", "tokens.db-wal"}) {
        TempDir dir;
        TempDir elsewhere;
        test::write_file(elsewhere.file("victim"), "precious");
        ASSERT_EQ(::symlink(elsewhere.file("victim").c_str(), dir.file(name).c_str()), 0);
        expect_refused(open_with(dir, Access::create), "is a symbolic link");
        EXPECT_EQ(test::read_file(elsewhere.file("victim")), "precious") << name;
    }
}

TEST(RegistryFiles, DirectoryOthersMayWriteWithoutStickyBitIsRefused) {
    TempDir dir;
    ASSERT_EQ(::chmod(dir.path().c_str(), 0777), 0);
    expect_refused(open_with(dir, Access::create),
                   "directory " + dir.path() + " has mode 0777: group or others may replace");
    EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(RegistryFiles, StickyWorldWritableDirectoryIsAccepted) {
    TempDir dir;
    ASSERT_EQ(::chmod(dir.path().c_str(), 01777), 0);
    auto registry = open_with(dir, Access::create);
    ASSERT_TRUE(registry) << registry.error().message;
    add_token(*registry, "GAKT00000001");
    EXPECT_TRUE(registry->get("GAKT00000001"));
}

TEST(RegistryFiles, DirectoryOfAnotherUserIsRefused) {
    if (!hwtotp::test::can_switch_user())
        GTEST_SKIP() << hwtotp::test::cannot_switch_user_reason();
    TempDir dir;
    make_registry(dir);
    hwtotp::test::give_to(dir.path(), hwtotp::test::nobody_uid);
    expect_refused(open_with(dir, Access::read),
                   "belongs to uid 65534, neither you (uid 0) nor root");
}

// ---------------------------------------------------------------------------------------------
// What an opening may create

TEST(Registry, ReadAndWriteAccessCreateNothing) {
    for (const auto access : {Access::read, Access::write}) {
        TempDir dir;
        const RegistryPaths paths{dir.file("sub/tokens.db"), dir.file("sub/tokens.key")};
        auto registry = Registry::open({paths, 5000, access});
        expect_refused(registry, "no registry at " + paths.db);
        EXPECT_TRUE(entries(dir.path()).empty());
    }
}

TEST(Registry, EmptyDatabaseFileIsNoRegistryForReaders) {
    TempDir dir;
    test::write_file(dir.file("tokens.db"), "");
    ASSERT_EQ(::chmod(dir.file("tokens.db").c_str(), 0600), 0);
    expect_refused(open_with(dir, Access::read), "no registry at " + dir.file("tokens.db"));
    EXPECT_FALSE(std::filesystem::exists(dir.file("tokens.key")));
}

TEST(Registry, StaleKeyTemporariesOfDeadProcessesAreRemoved) {
    TempDir dir;
    const pid_t dead = ::fork();
    ASSERT_GE(dead, 0);
    if (dead == 0)
        ::_exit(0);
    ASSERT_EQ(::waitpid(dead, nullptr, 0), dead);
    const std::string stale = dir.file("tokens.key.tmp." + std::to_string(dead));
    const std::string alive = dir.file("tokens.key.tmp." + std::to_string(::getppid()));
    const std::string unrelated = dir.file("tokens.key.tmp.x" + std::to_string(dead));
    for (const auto& path : {stale, alive, unrelated})
        test::write_file(path, "");
    make_registry(dir);
    EXPECT_FALSE(std::filesystem::exists(stale));
    EXPECT_TRUE(std::filesystem::exists(alive));  // its process (our parent) still runs
    EXPECT_TRUE(std::filesystem::exists(unrelated));
}

TEST(Registry, StaleKeyTemporaryOfAnotherUserIsLeftAlone) {
    if (!hwtotp::test::can_switch_user())
        GTEST_SKIP() << hwtotp::test::cannot_switch_user_reason();
    TempDir dir;
    const pid_t dead = ::fork();
    ASSERT_GE(dead, 0);
    if (dead == 0)
        ::_exit(0);
    ASSERT_EQ(::waitpid(dead, nullptr, 0), dead);
    const std::string theirs = dir.file("tokens.key.tmp." + std::to_string(dead));
    test::write_file(theirs, "");
    hwtotp::test::give_to(theirs, hwtotp::test::nobody_uid);
    make_registry(dir);
    EXPECT_TRUE(std::filesystem::exists(theirs));
}

// ---------------------------------------------------------------------------------------------
// No implicit re-keying

TEST(Registry, TokensWithoutKeyCheckAreRefusedAndNoKeyIsMade) {
    TempDir dir;
    make_registry(dir);
    test::sqlite_shell(dir.file("tokens.db"), "DELETE FROM meta WHERE name = 'key_check';");
    ASSERT_EQ(::unlink(dir.file("tokens.key").c_str()), 0);
    for (const auto access : {Access::create, Access::write, Access::read}) {
        expect_refused(open_with(dir, access), "holds tokens but no key check");
        EXPECT_FALSE(std::filesystem::exists(dir.file("tokens.key")));
    }
}

TEST(Registry, KeyCheckDeletedBesideTheKeyFileIsNotRestoredWhileTokensExist) {
    TempDir dir;
    make_registry(dir);
    test::sqlite_shell(dir.file("tokens.db"), "DELETE FROM meta WHERE name = 'key_check';");
    expect_refused(open_with(dir, Access::create), "holds tokens but no key check");
    EXPECT_EQ(test::sqlite_shell(dir.file("tokens.db"), "SELECT count(*) FROM meta;"), "0");
}

// ---------------------------------------------------------------------------------------------
// Parameters bound to the sealed seed

struct Tamper {
    const char* column;
    const char* sql_value;
};

class TamperedParameter : public ::testing::TestWithParam<Tamper> {};

TEST_P(TamperedParameter, MakesTheSeedFailToOpenNamingTheToken) {
    TempDir dir;
    make_registry(dir, "GAKT00000007");
    const auto& t = GetParam();
    test::sqlite_shell(dir.file("tokens.db"),
                       std::string("UPDATE tokens SET ") + t.column + " = " + t.sql_value + ";");
    auto registry = open_with(dir, Access::read);
    ASSERT_TRUE(registry) << registry.error().message;
    auto token = registry->get("GAKT00000007");
    ASSERT_FALSE(token) << t.column;
    EXPECT_EQ(token.error().code, ErrorCode::registry);
    EXPECT_NE(token.error().message.find("token GAKT00000007 does not decrypt"), std::string::npos)
        << token.error().message;
}

INSTANTIATE_TEST_SUITE_P(EachBoundColumn, TamperedParameter,
                         ::testing::Values(Tamper{"digits", "8"}, Tamper{"algorithm", "'sha256'"},
                                           Tamper{"period", "31"}, Tamper{"t0", "1"},
                                           Tamper{"type", "'hotp'"}),
                         [](const auto& param_info) {
                             return std::string(param_info.param.column);
                         });

TEST(Registry, HotpCounterAndVerifierStateAreNotBound) {
    TempDir dir;
    make_registry(dir);
    test::sqlite_shell(dir.file("tokens.db"),
                       "UPDATE tokens SET counter = 5, offset_steps = 2, failures = 3;");
    auto registry = open_with(dir, Access::read);
    ASSERT_TRUE(registry);
    EXPECT_TRUE(registry->get("GAKT00000001"));
}

// Rewrites a token's sealed seed as schema version 2 sealed it (associated data "hwtotp seed
// v1:" and the serial, written out here rather than taken from the library) and sets the
// schema version back to 2.
std::string sealed_column(const TempDir& dir, const std::string& serial) {
    return test::sqlite_shell(
        dir.file("tokens.db"),
        "SELECT hex(seed_sealed) FROM tokens WHERE serial = '" + serial + "';");
}

TEST(Registry, VersionTwoSeedsAreResealedWithTheirParameters) {
    TempDir dir;
    {
        auto registry = test::open_registry(dir);
        add_token(registry, "GAKT00000001");
        add_token(registry, "GAKT00000002", "0102030405060708090a0b0c0d0e0f1011121314");
    }
    test::seal_as_schema_two(dir, "GAKT00000001", seed_a);
    test::seal_as_schema_two(dir, "GAKT00000002", "0102030405060708090a0b0c0d0e0f1011121314");
    const std::string before = sealed_column(dir, "GAKT00000001");
    {
        auto registry = open_with(dir, Access::read);  // a reader upgrades too
        ASSERT_TRUE(registry) << registry.error().message;
        auto token = registry->get("GAKT00000001");
        ASSERT_TRUE(token) << token.error().message;
        EXPECT_EQ(test::hex_of(token->seed), seed_a);
        EXPECT_EQ(test::hex_of(registry->get("GAKT00000002")->seed),
                  "0102030405060708090a0b0c0d0e0f1011121314");
    }
    EXPECT_EQ(test::sqlite_shell(dir.file("tokens.db"), "PRAGMA user_version;"),
              std::to_string(schema_version));
    EXPECT_NE(sealed_column(dir, "GAKT00000001"), before);
    {
        // The upgraded token still verifies (step 56666667 is now = 1700000010 at 30 s).
        auto registry = open_with(dir, Access::write);
        ASSERT_TRUE(registry) << registry.error().message;
        auto key = OtpKey::create(test::secret_from_hex(seed_a), Hash::sha1);
        ASSERT_TRUE(key);
        const VerifyRequest request{
            .serial = "GAKT00000001", .code = key->code(56'666'667, 6), .now = 1'700'000'010};
        auto outcome = verify_token(*registry, request);
        ASSERT_TRUE(outcome) << outcome.error().message;
        EXPECT_EQ(outcome->status, VerifyStatus::accepted);
    }
    // Now the parameters are bound: a changed period no longer opens.
    test::sqlite_shell(dir.file("tokens.db"),
                       "UPDATE tokens SET period = 60 WHERE serial = 'GAKT00000001';");
    auto registry = open_with(dir, Access::read);
    ASSERT_TRUE(registry);
    EXPECT_FALSE(registry->get("GAKT00000001"));
    EXPECT_TRUE(registry->get("GAKT00000002"));
}

TEST(Registry, VersionTwoUpgradeIsAllOrNothing) {
    TempDir dir;
    {
        auto registry = test::open_registry(dir);
        add_token(registry, "GAKT00000001");
        add_token(registry, "GAKT00000002");
    }
    test::seal_as_schema_two(dir, "GAKT00000001", seed_a);
    test::seal_as_schema_two(dir, "GAKT00000002", seed_a);
    // The second row's seed no longer opens under its serial.
    test::sqlite_shell(dir.file("tokens.db"),
                       "UPDATE tokens SET seed_sealed = X'00' || substr(seed_sealed, 2) WHERE "
                       "serial = 'GAKT00000002';");
    const std::string first = sealed_column(dir, "GAKT00000001");
    expect_refused(open_with(dir, Access::write),
                   "token GAKT00000002 has a seed that does not decrypt");
    EXPECT_EQ(test::sqlite_shell(dir.file("tokens.db"), "PRAGMA user_version;"), "2");
    EXPECT_EQ(sealed_column(dir, "GAKT00000001"), first);
}

// ---------------------------------------------------------------------------------------------
// A read-only directory, as an unprivileged user (root ignores directory permissions)

// Makes a registry owned by nobody in <dir>/reg (dir itself traversable), then makes reg
// read-only. Returns the registry's directory.
std::string read_only_registry_of_nobody(const TempDir& dir) {
    const std::string reg = dir.file("reg");
    EXPECT_EQ(::chmod(dir.path().c_str(), 0711), 0);
    EXPECT_EQ(::mkdir(reg.c_str(), 0700), 0);
    hwtotp::test::give_to(reg, hwtotp::test::nobody_uid);
    const int made = hwtotp::test::run_as(hwtotp::test::nobody_uid, [&] {
        auto registry = Registry::open({{reg + "/tokens.db", reg + "/tokens.key"}, 5000});
        if (!registry)
            return 1;
        auto import = registry->begin_import(false, 1);
        if (!import || !import->add(test::make_token("GAKT00000001", seed_a), "r") ||
            !import->commit())
            return 2;
        return 0;
    });
    EXPECT_EQ(made, 0);
    EXPECT_EQ(::chmod(reg.c_str(), 0500), 0);
    return reg;
}

// What a read-only opening as nobody finds: 0 = the token and its seed, else where it failed.
int read_as_nobody(const std::string& reg) {
    return hwtotp::test::run_as(hwtotp::test::nobody_uid, [&] {
        auto registry =
            Registry::open({{reg + "/tokens.db", reg + "/tokens.key"}, 5000, Access::read});
        if (!registry)
            return 1;
        auto token = registry->get("GAKT00000001");
        return token && test::hex_of(token->seed) == seed_a ? 0 : 2;
    });
}

TEST(Registry, ReadOnlyDirectoryServesReads) {
    if (!hwtotp::test::can_switch_user())
        GTEST_SKIP() << hwtotp::test::cannot_switch_user_reason();
    TempDir dir;
    const std::string reg = read_only_registry_of_nobody(dir);
    EXPECT_EQ(read_as_nobody(reg), 0);
}

TEST(Registry, ReadOnlyDirectoryWithoutShmFileServesReads) {
    if (!hwtotp::test::can_switch_user())
        GTEST_SKIP() << hwtotp::test::cannot_switch_user_reason();
    TempDir dir;
    const std::string reg = read_only_registry_of_nobody(dir);
    // As the sqlite3 shell leaves a registry: checkpointed, and without -wal and -shm.
    ASSERT_EQ(test::sqlite_shell(reg + "/tokens.db", "PRAGMA wal_checkpoint(TRUNCATE);"), "0|0|0");
    ::unlink((reg + "/tokens.db-wal").c_str());
    ::unlink((reg + "/tokens.db-shm").c_str());
    EXPECT_EQ(read_as_nobody(reg), 0);
    EXPECT_EQ(entries(reg), (std::vector<std::string>{"tokens.db", "tokens.key"}));
}

TEST(Registry, ReadOnlyDirectoryWithoutShmBesideAWalHoldingChangesIsARegistryError) {
    if (!hwtotp::test::can_switch_user())
        GTEST_SKIP() << hwtotp::test::cannot_switch_user_reason();
    TempDir dir;
    const std::string reg = read_only_registry_of_nobody(dir);
    ASSERT_EQ(::unlink((reg + "/tokens.db-shm").c_str()), 0);
    test::write_file(reg + "/tokens.db-wal", std::string(32, 'w'));  // as a crash leaves it
    const int status = hwtotp::test::run_as(hwtotp::test::nobody_uid, [&] {
        auto registry =
            Registry::open({{reg + "/tokens.db", reg + "/tokens.key"}, 5000, Access::read});
        return !registry && registry.error().code == ErrorCode::registry &&
                       registry.error().message.find(
                           "-shm is missing and its directory is "
                           "read-only, while") != std::string::npos
                   ? 0
                   : 1;
    });
    EXPECT_EQ(status, 0);
}

}  // namespace registry_trust_test
}  // namespace hwtotp::store
