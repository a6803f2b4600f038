// The real hwtotp binary against a PostgreSQL registry (--db or HWTOTP_DB a connection URI):
// the commands that take --db, exit codes, and the one line a server that is down gives.

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "backend_param.h"
#include "postgres_server.h"
#include "released_together.h"
#include "run_cli.h"

namespace hwtotp::store {
namespace postgres_cli_test {

using hwtotp::test::CliOptions;
using hwtotp::test::CliResult;
using hwtotp::test::TempDir;

constexpr const char* seed_hex = "3132333435363738393031323334353637383930";
// RFC 6238's SHA-1 seed at 1700000010 (step 56666667), as oathtool gives it.
constexpr const char* t = "1700000010";

class PostgresCli : public ::testing::Test {
  protected:
    void SetUp() override {
        if (hwtotp::test::postgres_server() == nullptr)
            GTEST_SKIP() << hwtotp::test::postgres_unavailable_reason();
        paths = test::backend_paths(dir, test::Backend::postgres);
    }

    CliResult hw(const std::vector<std::string>& args, const std::string& db = "") {
        CliOptions options;
        options.env = {{"HWTOTP_DB", db.empty() ? paths.db : db}, {"HWTOTP_KEY_FILE", paths.key}};
        return hwtotp::test::run_cli(args, options);
    }

    std::string code(const std::string& time) {
        auto r = hw({"code", "--token", "GAKT00000001", "--time", time});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out.substr(0, r.out.find('\n'));
    }

    void import_one() {
        std::ofstream(dir.file("one.csv")) << "GAKT00000001," << seed_hex << "\n";
        auto r = hw({"import", dir.file("one.csv")});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }

    TempDir dir;
    RegistryPaths paths;
};

TEST_F(PostgresCli, ImportVerifyReplayAndTokensWorkOnAUri) {
    import_one();
    const std::string c = code(t);
    auto ok = hw({"verify", "--token", "GAKT00000001", c, "--time", t});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    auto replay = hw({"verify", "--token", "GAKT00000001", c, "--time", t});
    EXPECT_EQ(replay.exit_code, 5) << replay.err;
    auto list = hw({"tokens", "list"});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    EXPECT_NE(list.out.find("GAKT00000001"), std::string::npos);
    // --db wins over HWTOTP_DB, as for a file.
    auto by_flag = hw({"tokens", "show", "GAKT00000001", "--db", paths.db}, "/nonexistent.db");
    EXPECT_EQ(by_flag.exit_code, 0) << by_flag.err;
    EXPECT_NE(by_flag.out.find("last step:     56666667"), std::string::npos);
    auto removed = hw({"tokens", "remove", "GAKT00000001"});
    EXPECT_EQ(removed.exit_code, 0) << removed.err;
    EXPECT_EQ(hw({"tokens", "show", "GAKT00000001"}).exit_code, 2);
}

TEST_F(PostgresCli, TwentyVerifiesOfOneCodeOnTheirOwnConnectionsAreOneAcceptAndNineteenReplays) {
    import_one();
    const std::string c = code(t);
    std::map<int, int> codes;
    for (const int code :
         hwtotp::test::run_released_together(20, [&](int, const std::function<bool()>& wait) {
             (void)wait();
             return hw({"verify", "--token", "GAKT00000001", c, "--time", t}).exit_code;
         }))
        ++codes[code];
    EXPECT_EQ(codes[0], 1);
    EXPECT_EQ(codes[5], 19);  // losing the race is a replay, never a registry error
}

// libpq is loaded when a PostgreSQL registry is opened, not when hwtotp starts
// (store/src/libpq.h): with a libpq that cannot load first on the search path, a SQLite registry
// still works, and a URI gets one line naming the library, exit 4.
TEST(PostgresClientLibrary, IsLoadedOnlyForAUriAndAnUnloadableOneIsOneLineExitFour) {
    TempDir dir;
    const std::string libs = dir.path() + "/libs";
    ASSERT_EQ(::mkdir(libs.c_str(), 0700), 0);
    std::ofstream(libs + "/" HWTOTP_LIBPQ_SONAME) << "not a shared object\n";
    std::ofstream(dir.file("one.csv")) << "GAKT00000001," << seed_hex << "\n";
    CliOptions options;
    options.env = {{"LD_LIBRARY_PATH", libs},
                   {"HWTOTP_DB", dir.file("tokens.db")},
                   {"HWTOTP_KEY_FILE", dir.file("tokens.key")}};
    auto imported = hwtotp::test::run_cli({"import", dir.file("one.csv")}, options);
    EXPECT_EQ(imported.exit_code, 0) << imported.err;
    auto listed = hwtotp::test::run_cli({"tokens", "list"}, options);
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_NE(listed.out.find("GAKT00000001"), std::string::npos);

    options.env["HWTOTP_DB"] = "postgresql:///hwtotp?host=" + dir.path();
    auto r = hwtotp::test::run_cli({"tokens", "list"}, options);
    EXPECT_EQ(r.exit_code, 4);
    ASSERT_EQ(hwtotp::test::lines(r.err).size(), 1U) << r.err;
    EXPECT_NE(r.err.find("PostgreSQL client library " HWTOTP_LIBPQ_SONAME " cannot be loaded"),
              std::string::npos)
        << r.err;
}

// An export walks the server's registry with a cursor while the PSKC key is derived on another
// thread, then seals the waiting values on two (export_read_ahead.h): 600 tokens come back
// whole in a file registry, their otpauth URIs the same.
TEST_F(PostgresCli, PskcExportUnderAPasswordComesBackWholeInAFileRegistry) {
    {
        std::ofstream csv(dir.file("many.csv"));
        for (unsigned i = 0; i < 600; ++i)
            csv << "PG" << 100000 + i << "," << seed_hex << std::hex << 0x10000000U + i * 7919U
                << std::dec << "\n";
    }
    ASSERT_EQ(hw({"import", dir.file("many.csv")}).exit_code, 0);
    std::ofstream(dir.file("pw")) << "correct horse\n";
    auto r = hw({"export", "--format", "pskc", "--all", "--password-file", dir.file("pw"),
                 "--output", dir.file("many.pskcxml")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string file_db = dir.file("copy.db");
    r = hw({"import", dir.file("many.pskcxml"), "--password-file", dir.file("pw")}, file_db);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& [db, name] : {std::pair{paths.db, "pg.uris"}, {file_db, "file.uris"}}) {
        r = hw({"export", "--format", "uri", "--all", "--output", dir.file(name)}, db);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    std::ifstream pg(dir.file("pg.uris"));
    std::ifstream file(dir.file("file.uris"));
    const std::string pg_text{std::istreambuf_iterator<char>(pg), {}};
    const std::string file_text{std::istreambuf_iterator<char>(file), {}};
    EXPECT_EQ(std::count(pg_text.begin(), pg_text.end(), '\n'), 600);
    EXPECT_TRUE(pg_text == file_text);  // (not printed: seeds)
}

TEST_F(PostgresCli, AMissingRegistryIsExitFourWithoutCreatingOne) {
    auto r = hw({"tokens", "list"});
    EXPECT_EQ(r.exit_code, 4);
    EXPECT_NE(r.err.find("no registry at " + paths.db), std::string::npos) << r.err;
}

TEST_F(PostgresCli, AServerThatIsDownIsExitFourInOneLineWithinTenSeconds) {
    const std::string down = "postgresql:///hwtotp?host=" + dir.path() + "&user=hwtotp";
    auto r = hw({"verify", "--token", "GAKT00000001", "123456", "--time", t}, down);
    EXPECT_EQ(r.exit_code, 4);
    EXPECT_LT(r.elapsed, std::chrono::seconds(10));
    EXPECT_EQ(hwtotp::test::lines(r.err).size(), 1U) << r.err;
    EXPECT_EQ(r.err.rfind("hwtotp: error: registry " + down + ": cannot connect", 0), 0U) << r.err;
}

TEST_F(PostgresCli, APasswordInTheUriIsBadInputNamingTheFix) {
    auto r = hw({"tokens", "list", "--db", "postgresql://alice:s3cret@localhost/hwtotp"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(hwtotp::test::lines(r.err).size(), 1U) << r.err;
    EXPECT_NE(r.err.find("~/.pgpass"), std::string::npos);
    EXPECT_EQ(r.err.find("s3cret"), std::string::npos);
}

TEST_F(PostgresCli, RegistryCopyMovesAnSqliteRegistryWithItsStateIntoPostgres) {
    const std::string file = dir.file("local/tokens.db");
    std::ofstream(dir.file("one.csv")) << "GAKT00000001," << seed_hex << "\n";
    ASSERT_EQ(hw({"import", dir.file("one.csv")}, file).exit_code, 0);
    const std::string c =
        hw({"code", "--token", "GAKT00000001", "--time", t}, file).out.substr(0, 6);
    auto used = hw({"verify", "--token", "GAKT00000001", c, "--time", t}, file);
    ASSERT_EQ(used.exit_code, 0) << used.err;

    auto copied = hw({"registry", "copy", "--from", file, "--to", paths.db});
    ASSERT_EQ(copied.exit_code, 0) << copied.err;
    EXPECT_NE(copied.out.find("copied 1 token from"), std::string::npos) << copied.out;
    // The code used on the file is a replay on PostgreSQL: the state came along.
    auto replay = hw({"verify", "--token", "GAKT00000001", c, "--time", t});
    EXPECT_EQ(replay.exit_code, 5) << replay.err;

    auto again = hw({"registry", "copy", "--from", file, "--to", paths.db});
    EXPECT_EQ(again.exit_code, 2);
    EXPECT_NE(again.err.find("pass --merge"), std::string::npos) << again.err;
    EXPECT_EQ(hw({"registry", "copy", "--from", file, "--to", paths.db, "--merge"}).exit_code, 0);
}

}  // namespace postgres_cli_test
}  // namespace hwtotp::store
