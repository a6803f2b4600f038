// The registry on a shared host, through the real binary: files planted by another user, a
// tampered database, read-only commands that create nothing, a read-only directory.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "other_user.h"
#include "run_cli.h"

namespace hwtotp::test {
namespace registry_trust_cli_test {

const std::string pskc_plain = std::string(HWTOTP_VECTORS_DIR) + "/pskc/pp-plain.pskcxml";
constexpr const char* csv = "GAKT00000009,3132333435363738393031323334353637383930\n";
constexpr const char* t = "1700000000";

void write(const std::string& path, const std::string& content, mode_t mode) {
    std::ofstream(path, std::ios::binary) << content;
    ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
}

CliOptions registry_at(const std::string& db) {
    CliOptions options;
    options.env = {{"HWTOTP_DB", db}, {"HWTOTP_KEY_FILE", ""}};
    return options;
}

std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

void expect_one_error_line(const CliResult& r, int exit_code, const std::string& fragment) {
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_EQ(lines(r.err).size(), 1U) << r.err;
    EXPECT_EQ(r.err.rfind("hwtotp: error: ", 0), 0U) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
}

// ---------------------------------------------------------------------------------------------
// Files planted by another user in a shared sticky directory (mode 1777, as /tmp)

class PlantedFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!can_switch_user())
            GTEST_SKIP() << cannot_switch_user_reason();
        ASSERT_EQ(::chmod(dir.path().c_str(), 0711), 0);  // the victim may pass through
        ASSERT_EQ(::mkdir(shared.c_str(), 0777), 0);
        ASSERT_EQ(::chmod(shared.c_str(), 01777), 0);
        write(dir.file("tokens.csv"), csv, 0644);
    }
    // The attacker's files: a known key (0600) and an empty database anyone may write.
    void plant_known_key_and_open_database(uid_t attacker) {
        write(shared + "/tokens.key", std::string(32, 'K'), 0600);
        write(shared + "/tokens.db", "", 0666);
        give_to(shared + "/tokens.key", attacker);
        give_to(shared + "/tokens.db", attacker);
    }
    void expect_nothing_sealed() {
        EXPECT_EQ(std::filesystem::file_size(shared + "/tokens.db"), 0U);
        EXPECT_EQ(entries(shared), (std::vector<std::string>{"tokens.db", "tokens.key"}));
    }

    TempDir dir;
    const std::string shared = dir.file("shared");
};

TEST_F(PlantedFiles, RootVictimRefusesAnotherUsersKeyAndDatabase) {
    plant_known_key_and_open_database(nobody_uid);
    auto r = run_cli({"import", dir.file("tokens.csv")}, registry_at(shared + "/tokens.db"));
    expect_one_error_line(r, 4,
                          "registry " + shared +
                              "/tokens.db belongs to uid 65534, not to "
                              "you (uid 0): another user may have planted it");
    expect_nothing_sealed();
}

TEST_F(PlantedFiles, UnprivilegedVictimRefusesAnotherUsersKeyAndDatabase) {
    plant_known_key_and_open_database(stranger_uid);
    auto r = run_cli_as(nobody_uid, {"import", dir.file("tokens.csv")},
                        registry_at(shared + "/tokens.db"));
    expect_one_error_line(r, 4,
                          "registry " + shared +
                              "/tokens.db belongs to uid 4242, not to "
                              "you (uid 65534)");
    expect_nothing_sealed();
}

TEST_F(PlantedFiles, PlantedKeyAloneIsRefusedAndNoSeedIsSealedUnderIt) {
    write(shared + "/tokens.key", std::string(32, 'K'), 0600);
    give_to(shared + "/tokens.key", stranger_uid);
    auto r = run_cli_as(nobody_uid, {"import", dir.file("tokens.csv")},
                        registry_at(shared + "/tokens.db"));
    expect_one_error_line(r, 4, "key file " + shared + "/tokens.key belongs to uid 4242");
    auto list =
        run_cli_as(nobody_uid, {"--json", "tokens", "list"}, registry_at(shared + "/tokens.db"));
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_TRUE(nlohmann::json::parse(list.out)["tokens"].empty());
}

TEST_F(PlantedFiles, PlantedWalIsRefusedBeforeSqliteReadsIt) {
    auto made = run_cli_as(nobody_uid, {"import", dir.file("tokens.csv")},
                           registry_at(shared + "/tokens.db"));
    ASSERT_EQ(made.exit_code, 0) << made.err;
    // The victim's registry keeps its -wal and -shm; the attacker's takes a freed name.
    ASSERT_EQ(::unlink((shared + "/tokens.db-wal").c_str()), 0);
    write(shared + "/tokens.db-wal", "", 0666);
    give_to(shared + "/tokens.db-wal", stranger_uid);
    auto r = run_cli_as(nobody_uid, {"code", "--token", "GAKT00000009", "--time", t},
                        registry_at(shared + "/tokens.db"));
    expect_one_error_line(r, 4, "registry file " + shared + "/tokens.db-wal belongs to uid 4242");
}

TEST_F(PlantedFiles, SymbolicLinkPlantedAsTheDatabaseIsNotFollowed) {
    const std::string victim_file = dir.file("victim.txt");
    write(victim_file, "precious\n", 0600);
    give_to(victim_file, nobody_uid);
    ASSERT_EQ(::symlink(victim_file.c_str(), (shared + "/tokens.db").c_str()), 0);
    give_to(shared + "/tokens.db", stranger_uid);
    auto r = run_cli_as(nobody_uid, {"import", dir.file("tokens.csv")},
                        registry_at(shared + "/tokens.db"));
    expect_one_error_line(r, 4, "registry " + shared + "/tokens.db is a symbolic link");
    std::ifstream in(victim_file);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "precious\n");
}

TEST_F(PlantedFiles, VictimCreatesItsRegistryInTheSharedDirectory) {
    auto r = run_cli_as(nobody_uid, {"import", dir.file("tokens.csv")},
                        registry_at(shared + "/tokens.db"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* name : {"tokens.db", "tokens.db-wal", "tokens.db-shm", "tokens.key"}) {
        struct stat st {};
        ASSERT_EQ(::lstat((shared + "/" + name).c_str(), &st), 0) << name;
        EXPECT_EQ(st.st_uid, nobody_uid) << name;
        EXPECT_EQ(st.st_mode & 0777, 0600U) << name;
    }
}

// ---------------------------------------------------------------------------------------------
// A tampered database

class TamperedRegistry : public ::testing::Test {
  protected:
    void SetUp() override {
        auto r = run_cli({"import", pskc_plain}, registry_at(db));
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    CliResult hw(const std::vector<std::string>& args) { return run_cli(args, registry_at(db)); }

    TempDir dir;
    const std::string db = dir.file("reg/tokens.db");
};

TEST_F(TamperedRegistry, ChangedParameterIsARegistryErrorNamingTheToken) {
    for (const char* change :
         {"digits = 8", "algorithm = 'sha256'", "period = 60", "t0 = 30", "type = 'hotp'"}) {
        sqlite_shell(
            db, std::string("UPDATE tokens SET ") + change + " WHERE serial = 'GAKT00000001';");
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {"code", "--token", "GAKT00000001", "--time", t},
                 {"verify", "--token", "GAKT00000001", "123456", "--time", t}}) {
            expect_one_error_line(hw(args), 4, "the seed of token GAKT00000001 does not decrypt");
        }
        // Undo through a fresh import: the other tokens were never affected.
        EXPECT_EQ(hw({"code", "--token", "GAKT00000002", "--time", t}).exit_code, 0) << change;
        ASSERT_EQ(hw({"import", pskc_plain, "--replace"}).exit_code, 0);
    }
}

TEST_F(TamperedRegistry, DeletedKeyCheckAndKeyFileNeverMakeANewKey) {
    sqlite_shell(db, "DELETE FROM meta WHERE name = 'key_check';");
    ASSERT_EQ(::unlink(dir.file("reg/tokens.key").c_str()), 0);
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"tokens", "list"},
                                               {"import", pskc_plain, "--replace"},
                                               {"tokens", "unlock", "GAKT00000001"}}) {
        expect_one_error_line(hw(args), 4, "holds tokens but no key check");
        EXPECT_FALSE(std::filesystem::exists(dir.file("reg/tokens.key")));
    }
}

// ---------------------------------------------------------------------------------------------
// Commands that only read create nothing

TEST(RegistryReaders, SayThereIsNoRegistryAndCreateNothing) {
    TempDir dir;
    const std::string db = dir.file("reg/tokens.db");
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"tokens", "list"},
                                               {"tokens", "show", "GAKT00000001"},
                                               {"code", "--token", "GAKT00000001", "--time", t},
                                               {"drift", "--token", "GAKT00000001"},
                                               {"verify", "--token", "GAKT00000001", "123456"},
                                               {"tokens", "unlock", "GAKT00000001"}}) {
        auto r = run_cli(args, registry_at(db));
        expect_one_error_line(r, 4,
                              "no registry at " + db +
                                  " (import tokens first with: "
                                  "hwtotp import FILE");
        EXPECT_TRUE(entries(dir.path()).empty()) << args[0];
    }
}

TEST(RegistryReaders, EmptyDbOptionIsRefusedNotReadAsTheDefault) {
    TempDir dir;
    // $HWTOTP_DB names an existing registry: an empty --db must not fall back to it.
    const CliOptions options = registry_at(dir.file("reg/tokens.db"));
    ASSERT_EQ(run_cli({"import", pskc_plain}, options).exit_code, 0);
    for (const auto& args : std::vector<std::vector<std::string>>{{"--db", "", "tokens", "list"},
                                                                  {"tokens", "list", "--db", ""},
                                                                  {"tokens", "list", "--db="}}) {
        auto r = run_cli(args, options);
        expect_one_error_line(r, 2, "hwtotp: error: --db: ");
        EXPECT_EQ(r.out, "");
    }
}

// A registry of nobody's whose directory is then made read-only (root would ignore the mode).
class ReadOnlyDirectory : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!can_switch_user())
            GTEST_SKIP() << cannot_switch_user_reason();
        ASSERT_EQ(::chmod(dir.path().c_str(), 0711), 0);
        ASSERT_EQ(::mkdir(reg.c_str(), 0700), 0);
        give_to(reg, nobody_uid);
        auto r = run_cli_as(nobody_uid, {"import", pskc_plain}, registry_at(reg + "/tokens.db"));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        code =
            run_cli({"code", "--hex", "0102030405060708090a0b0c0d0e0f1011121314", "--time", t}).out;
        ASSERT_EQ(::chmod(reg.c_str(), 0500), 0);
    }
    CliResult as_nobody(const std::vector<std::string>& args) {
        return run_cli_as(nobody_uid, args, registry_at(reg + "/tokens.db"));
    }
    void expect_reads_work() {
        auto list = as_nobody({"tokens", "list"});
        EXPECT_EQ(list.exit_code, 0) << list.err;
        EXPECT_NE(list.out.find("GAKT00000001"), std::string::npos);
        EXPECT_EQ(as_nobody({"tokens", "show", "GAKT00000002"}).exit_code, 0);
        auto from_token = as_nobody({"code", "--token", "GAKT00000001", "--time", t});
        EXPECT_EQ(from_token.exit_code, 0) << from_token.err;
        EXPECT_EQ(from_token.out, code);
    }

    TempDir dir;
    const std::string reg = dir.file("reg");
    std::string code;
};

TEST_F(ReadOnlyDirectory, ReadsWork) {
    expect_reads_work();
}

TEST_F(ReadOnlyDirectory, ReadsWorkWithoutShmAndWalFiles) {
    // As the sqlite3 shell leaves a registry: checkpointed, its -wal and -shm removed.
    ASSERT_EQ(sqlite_shell(reg + "/tokens.db", "PRAGMA wal_checkpoint(TRUNCATE);"), "0|0|0");
    ::unlink((reg + "/tokens.db-wal").c_str());
    ::unlink((reg + "/tokens.db-shm").c_str());
    expect_reads_work();
    EXPECT_EQ(entries(reg), (std::vector<std::string>{"tokens.db", "tokens.key"}));
}

}  // namespace registry_trust_cli_test
}  // namespace hwtotp::test
