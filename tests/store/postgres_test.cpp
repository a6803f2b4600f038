// The PostgreSQL registry against a real server (postgres_server.h): many processes on their own
// connections at once, clients killed mid-transaction, the server crashing under them, a server
// that is down, URIs with passwords, migrations raced by several hosts. No sleeps: children meet
// at a gate (a pipe) and report progress through pipes.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "backend_param.h"
#include "hwtotp/store/import.h"
#include "hwtotp/store/verify.h"
#include "hwtotp/totp/otp_key.h"
#include "postgres.h"
#include "postgres_server.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace postgres_test {

using hwtotp::test::PostgresServer;
using test::TempDir;

constexpr const char* serial = "GAKT00000001";
constexpr const char* seed_hex = "3132333435363738393031323334353637383930";
constexpr std::int64_t t_base = 1'700'000'010;
constexpr std::uint64_t step_base = 56'666'667;

Code code_at(std::uint64_t step) {
    return OtpKey::create(test::secret_from_hex(seed_hex), Hash::sha1)->code(step, 6);
}

Code wrong_code(std::uint64_t step) {
    std::string s = code_at(step).str();
    s[0] = s[0] == '9' ? '0' : static_cast<char>(s[0] + 1);
    return *Code::parse(s);
}

// The CLI's exit code for a verify outcome: 0 accepted, 1 wrong, 5 replay/locked/throttled/busy,
// 4 a registry error.
int exit_code_of(const Result<VerifyOutcome>& outcome) {
    if (!outcome)
        return 4;
    switch (outcome->status) {
        case VerifyStatus::accepted:
            return 0;
        case VerifyStatus::rejected:
            return 1;
        default:
            return 5;
    }
}

class PostgresRegistry : public ::testing::Test {
  protected:
    void SetUp() override {
        server = hwtotp::test::postgres_server();
        if (server == nullptr)
            GTEST_SKIP() << hwtotp::test::postgres_unavailable_reason();
        paths = test::backend_paths(dir, test::Backend::postgres);
    }

    void import_one() {
        auto registry = test::open_registry(paths);
        auto import = registry.begin_import(false, t_base);
        ASSERT_TRUE(import);
        ASSERT_TRUE(import->add(test::make_token(serial, seed_hex), "t"));
        ASSERT_TRUE(import->commit());
    }

    template <typename Body>
    std::vector<int> run_released_together(int processes, Body body) {
        return test::run_released_together({paths, 5000, Registry::Access::write}, processes, body);
    }

    // The database of `paths`: "postgresql:///<name>?host=...".
    [[nodiscard]] std::string database_name() const {
        const auto start = paths.db.find(":///") + 4;
        return paths.db.substr(start, paths.db.find('?') - start);
    }

    PostgresServer* server = nullptr;
    TempDir dir;
    RegistryPaths paths;
};

TEST_F(PostgresRegistry, TwentyParallelVerifiesOfOneCodeAcceptItOnce) {
    import_one();
    for (int round = 0; round < 2; ++round) {
        const std::uint64_t step = step_base + static_cast<std::uint64_t>(round) * 10;
        const std::int64_t now = t_base + round * 300;
        const auto codes = run_released_together(20, [&](Registry& registry) {
            VerifyRequest request{.serial = serial, .code = code_at(step), .now = now};
            return exit_code_of(verify_token(registry, request));
        });
        EXPECT_EQ(std::count(codes.begin(), codes.end(), 0), 1) << "round " << round;
        // Losing the race is an answer (a replay), never a registry error.
        EXPECT_EQ(std::count(codes.begin(), codes.end(), 5), 19) << "round " << round;
    }
    auto registry = test::open_registry(paths);
    EXPECT_EQ(registry.history(serial)->size(), 3U);  // import + one verify per round
}

TEST_F(PostgresRegistry, HundredParallelWrongCodesAreNeverEvaluatedPastTheLimit) {
    import_one();
    std::array<int, 2> checked{};
    ASSERT_EQ(::pipe(checked.data()), 0);
    const auto codes = run_released_together(100, [&](Registry& registry) {
        VerifyRequest request{.serial = serial, .code = wrong_code(step_base), .now = t_base};
        auto outcome = verify_token(registry, request);
        if (outcome && outcome->code_checked) {
            const char one = 1;
            (void)::write(checked[1], &one, 1);
        }
        return exit_code_of(outcome);
    });
    ::close(checked[1]);
    int evaluated = 0;
    char byte = 0;
    while (::read(checked[0], &byte, 1) == 1)
        ++evaluated;
    ::close(checked[0]);
    EXPECT_LE(evaluated, max_failures);
    EXPECT_GE(evaluated, 1);
    EXPECT_EQ(std::count(codes.begin(), codes.end(), 4), 0);  // contention is never an error
    EXPECT_EQ(std::count(codes.begin(), codes.end(), 0), 0);
    auto registry = test::open_registry(paths);
    EXPECT_LE(registry.info(serial)->state.failures, max_failures);
}

TEST_F(PostgresRegistry, ParallelAttemptsAreCountedExactlyUpToTheLimit) {
    // Without the throttle: of 40 processes counting an attempt at once, exactly max_failures
    // get one.
    import_one();
    const AttemptRules rules{max_failures, {}};
    const auto codes = run_released_together(40, [&](Registry& registry) {
        auto r = registry.reserve_attempt(serial, t_base, rules);
        return !r ? 4 : r->attempt ? 0 : r->refusal == AttemptRefusal::limit ? 5 : 1;
    });
    EXPECT_EQ(std::count(codes.begin(), codes.end(), 0), max_failures);
    EXPECT_EQ(std::count(codes.begin(), codes.end(), 5), 40 - max_failures);
    EXPECT_EQ(test::open_registry(paths).info(serial)->state.failures, max_failures);
}

TEST_F(PostgresRegistry, AKilledImportLeavesNothing) {
    import_one();
    std::string csv;
    for (int i = 0; i < 3000; ++i)
        csv += "K" + std::to_string(1000000 + i) + "," + seed_hex + "\n";
    test::write_file(dir.file("big.csv"), csv);
    const pid_t pid = test::fork_import_killed_halfway(paths, dir.file("big.csv"), t_base);
    ASSERT_GE(pid, 0);
    EXPECT_EQ(test::child_exit_code(pid), 128 + SIGKILL);
    auto registry = test::open_registry(paths);
    EXPECT_EQ(registry.list()->size(), 1U);
    // The import lock went with the killed connection: the next import proceeds.
    auto import = registry.begin_import(false, t_base);
    ASSERT_TRUE(import) << import.error().message;
    ASSERT_TRUE(import->add(test::make_token("GAKT00000002", seed_hex), "t"));
    ASSERT_TRUE(import->commit());
}

// The accepted steps and the history agree: every verify left both or neither.
void expect_consistent(Registry& registry, std::uint64_t at_least) {
    auto info = registry.info(serial);
    ASSERT_TRUE(info) << info.error().message;
    ASSERT_TRUE(info->state.last_step);
    const auto accepted = *info->state.last_step - step_base + 1;
    EXPECT_GE(accepted, at_least);
    EXPECT_EQ(info->state.failures, 0);
    EXPECT_EQ(registry.history(serial)->size(), accepted + 1);  // + the import
}

TEST_F(PostgresRegistry, AKilledVerifierLeavesAConsistentRecord) {
    import_one();
    std::array<int, 2> progress{};
    ASSERT_EQ(::pipe(progress.data()), 0);
    const pid_t pid = test::fork_verifier(paths, serial, code_at, step_base, t_base, progress[1]);
    ASSERT_GE(pid, 0);
    ::close(progress[1]);
    for (int i = 0; i < 25; ++i) {
        char done = 0;
        ASSERT_EQ(::read(progress[0], &done, 1), 1);
    }
    ::kill(pid, SIGKILL);  // somewhere inside a verify, or between two
    EXPECT_EQ(test::child_exit_code(pid), 128 + SIGKILL);
    ::close(progress[0]);
    auto registry = test::open_registry(paths);
    // A kill between counting the attempt and settling it leaves it counted (as a failure
    // would): settle it the way an unlock does, then check the record.
    ASSERT_TRUE(registry.unlock(serial));
    expect_consistent(registry, 25);
}

TEST_F(PostgresRegistry, AServerCrashFailsClientsClosedAndARestartContinues) {
    import_one();
    std::array<int, 2> progress{};
    ASSERT_EQ(::pipe(progress.data()), 0);
    const pid_t pid = test::fork_verifier(paths, serial, code_at, step_base, t_base, progress[1]);
    ASSERT_GE(pid, 0);
    ::close(progress[1]);
    for (int i = 0; i < 20; ++i) {
        char done = 0;
        ASSERT_EQ(::read(progress[0], &done, 1), 1);
    }
    server->crash();  // every connection dropped, mid-statement or between two
    EXPECT_EQ(test::child_exit_code(pid), 4);
    ::close(progress[0]);

    // Down: a registry error at once, never a hang.
    const auto started = std::chrono::steady_clock::now();
    auto down = Registry::open({paths, 5000});
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error().code, ErrorCode::registry);
    EXPECT_NE(down.error().message.find("cannot connect"), std::string::npos);

    server->restart();
    auto registry = test::open_registry(paths);
    ASSERT_TRUE(registry.unlock(serial));  // an attempt the crash left counted
    expect_consistent(registry, 20);
    const std::uint64_t next = *registry.info(serial)->state.last_step + 1;
    VerifyRequest request{.serial = serial,
                          .code = code_at(next),
                          .now = t_base + static_cast<std::int64_t>(next - step_base) * 30};
    EXPECT_EQ(exit_code_of(verify_token(registry, request)), 0);
}

TEST_F(PostgresRegistry, ARowLockHeldElsewhereEndsTheVerifyWithinTheLockTimeout) {
    import_one();
    // Another session holds the token's row (as a hung client would) for the whole verify.
    std::unique_ptr<PGconn, decltype(&PQfinish)> other(PQconnectdb(paths.db.c_str()), &PQfinish);
    ASSERT_EQ(PQstatus(other.get()), CONNECTION_OK);
    for (const char* sql : {"BEGIN", "SELECT 1 FROM tokens FOR UPDATE"})
        PQclear(PQexec(other.get(), sql));
    auto registry = test::open_registry(paths);
    const auto started = std::chrono::steady_clock::now();
    VerifyRequest request{.serial = serial, .code = code_at(step_base), .now = t_base};
    auto outcome = verify_token(registry, request);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    ASSERT_FALSE(outcome);
    EXPECT_EQ(outcome.error().code, ErrorCode::registry);
    EXPECT_NE(outcome.error().message.find("a lock stayed held longer than 5 s"), std::string::npos)
        << outcome.error().message;
    PQclear(PQexec(other.get(), "ROLLBACK"));
    // Nothing was counted or recorded; the next verify goes through.
    EXPECT_EQ(registry.info(serial)->state.failures, 0);
    EXPECT_EQ(exit_code_of(verify_token(registry, request)), 0);
}

TEST_F(PostgresRegistry, HostsMigratingAtOnceMigrateOnce) {
    // Eight processes create the same fresh registry at once: the advisory lock lets one
    // migrate; the others wait, then find the schema current.
    std::vector<pid_t> children;
    for (int i = 0; i < 8; ++i) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            auto registry = Registry::open({paths, 5000, Registry::Access::create});
            if (!registry)
                std::fprintf(stderr, "%s\n", registry.error().message.c_str());
            ::_exit(registry ? 0 : 4);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children)
        EXPECT_EQ(test::child_exit_code(pid), 0);
    const std::string db = database_name();
    EXPECT_EQ(server->sql(db, "SELECT version FROM hwtotp_schema"), "1");
    EXPECT_EQ(server->sql(db, "SELECT count(*) FROM meta WHERE name = 'key_check'"), "1");
}

TEST_F(PostgresRegistry, ANewerSchemaIsRefused) {
    import_one();
    const std::string db = database_name();
    (void)server->sql(db, "UPDATE hwtotp_schema SET version = 99");
    auto registry = Registry::open({paths, 5000});
    ASSERT_FALSE(registry);
    EXPECT_EQ(registry.error().code, ErrorCode::registry);
    EXPECT_NE(registry.error().message.find("newer hwtotp"), std::string::npos);
}

TEST_F(PostgresRegistry, SeedsAreNeverStoredInTheClear) {
    import_one();
    const std::string db = database_name();
    const std::string sealed = server->sql(db, "SELECT encode(seed_sealed, 'hex') FROM tokens");
    EXPECT_EQ(sealed.find(seed_hex), std::string::npos);
    EXPECT_EQ(sealed.size(), 2 * (20 + 16));  // ciphertext and tag
}

// The session's bounds (statement_timeout, lock_timeout, ...) travel with the connection
// request as server options; a URI with options of its own keeps them and still gets the
// bounds (then by SET).
TEST(PostgresSession, BoundsHoldWithAndWithoutOptionsInTheUri) {
    PostgresServer* server = hwtotp::test::postgres_server();
    if (server == nullptr)
        GTEST_SKIP() << hwtotp::test::postgres_unavailable_reason();
    const std::string uri = server->create_database();
    const char* show =
        "SELECT current_setting('statement_timeout') || ' ' || current_setting('lock_timeout') "
        "|| ' ' || current_setting('default_transaction_isolation') || ' ' || "
        "current_setting('search_path')";
    for (const auto& [with, search_path] :
         {std::pair<std::string, std::string>{uri, "\"$user\", public"},
          {uri + "&options=-c%20search_path%3Dpg_catalog", "pg_catalog"}}) {
        auto connection = pg::Connection::open(with, "test");
        ASSERT_TRUE(connection) << connection.error().message;
        auto rows = connection->exec(show);
        ASSERT_TRUE(rows) << rows.error().message;
        EXPECT_EQ(rows->text(0, 0), "10s 5s read committed " + search_path) << with;
    }
}

TEST(PostgresUri, APasswordInTheUriIsRefusedWithoutEchoingIt) {
    TempDir dir;
    for (const std::string uri : {"postgresql://alice:s3cret@localhost/hwtotp",
                                  "postgres:///hwtotp?host=/run/postgresql&password=s3cret"}) {
        auto registry = Registry::open({{uri, dir.file("tokens.key")}, 5000});
        ASSERT_FALSE(registry) << uri;
        EXPECT_EQ(registry.error().code, ErrorCode::invalid_input);
        EXPECT_NE(registry.error().message.find("password file"), std::string::npos);
        EXPECT_EQ(registry.error().message.find("s3cret"), std::string::npos);
    }
}

TEST(PostgresUri, AUriThatDoesNotParseIsRefusedWithoutEchoingItsPassword) {
    TempDir dir;
    for (const std::string uri :
         {"postgresql://alice:s3cret@[::1/hwtotp", "postgresql://[::1/hwtotp?password=s3cret"}) {
        auto registry = Registry::open({{uri, dir.file("tokens.key")}, 5000});
        ASSERT_FALSE(registry) << uri;
        EXPECT_EQ(registry.error().code, ErrorCode::invalid_input);
        EXPECT_NE(registry.error().message.find("does not parse"), std::string::npos);
        EXPECT_EQ(registry.error().message.find("s3cret"), std::string::npos)
            << registry.error().message;
    }
}

TEST(PostgresUri, AServerThatIsDownIsARegistryErrorWithinTenSeconds) {
    TempDir dir;
    const auto started = std::chrono::steady_clock::now();
    auto registry = Registry::open(
        {{"postgresql:///hwtotp?host=" + dir.path() + "&user=nobody", dir.file("tokens.key")},
         5000});
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    ASSERT_FALSE(registry);
    EXPECT_EQ(registry.error().code, ErrorCode::registry);
    EXPECT_NE(registry.error().message.find("cannot connect to the PostgreSQL server"),
              std::string::npos);
}

}  // namespace postgres_test
}  // namespace hwtotp::store
