// pam_hwtotp.so through the real libpam: each test builds a registry in a temporary directory
// with the store library, writes a service file naming the built module, and authenticates
// with codes computed from the token's seed at the current time (the module reads the real
// clock, as it does in sshd; every code is computed for the step the module will see, and the
// default window of ±1 step absorbs a step boundary passing in between).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "hwtotp/store/registry.h"
#include "hwtotp/store/verify.h"
#include "hwtotp/totp/otp_key.h"
#include "hwtotp/totp/steps.h"
#include "pam_harness.h"
#include "store_test_util.h"

namespace hwtotp::pam::test {
namespace {

using hwtotp::store::test::make_token;
using hwtotp::store::test::open_registry;
using hwtotp::store::test::paths_in;
using hwtotp::test::TempDir;

// RFC 6238's SHA-1 seed and a second one for another user.
constexpr const char* alice_seed = "3132333435363738393031323334353637383930";
constexpr const char* bob_seed = "3132333435363738393031323334353637383931";

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string code_at(const char* seed_hex, std::int64_t unix_time) {
    const auto seed = hwtotp::store::test::secret_from_hex(seed_hex);
    auto key = OtpKey::create(seed, Hash::sha1);
    EXPECT_TRUE(key.has_value());
    auto step = step_at(Params::standard(), unix_time);
    EXPECT_TRUE(step.has_value());
    return key->code(*step, 6).str();
}

// A registry with alice's and bob's tokens, and a service using it.
class PamModule : public ::testing::Test {
  protected:
    void SetUp() override {
        auto registry = open_registry(dir_);
        auto import = registry.begin_import(false, now_seconds() - 1000);
        ASSERT_TRUE(import.has_value()) << import.error().message;
        ASSERT_TRUE(import->add(make_token("ALICE0001", alice_seed), "alice").has_value());
        ASSERT_TRUE(import->add(make_token("BOB00002", bob_seed), "bob").has_value());
        ASSERT_TRUE(import->commit().has_value());
        ASSERT_TRUE(registry.assign_owner("ALICE0001", "alice").has_value());
        ASSERT_TRUE(registry.assign_owner("BOB00002", "bob").has_value());
    }

    [[nodiscard]] std::string registry_args() const {
        const auto paths = paths_in(dir_);
        return "db=" + paths.db + " key=" + paths.key;
    }

    TempDir dir_;
};

TEST_F(PamModule, RightCodeIsAcceptedAfterOneEchoOffPrompt) {
    PamService service(registry_args());
    const auto attempt = service.authenticate("alice", {code_at(alice_seed, now_seconds())});
    EXPECT_EQ(attempt.rc, PAM_SUCCESS) << pam_strerror(nullptr, attempt.rc);
    ASSERT_EQ(attempt.prompts.size(), 1U);
    EXPECT_EQ(attempt.prompts[0], "Token code: ");
}

TEST_F(PamModule, AcceptedLoginIsRecordedInTheHistoryAsLogin) {
    PamService service(registry_args());
    ASSERT_EQ(service.authenticate("alice", {code_at(alice_seed, now_seconds())}).rc, PAM_SUCCESS);
    auto registry = open_registry(dir_);
    auto history = registry.history("ALICE0001");
    ASSERT_TRUE(history.has_value());
    ASSERT_FALSE(history->empty());
    EXPECT_EQ(history->back().how, store::ObservedBy::login);
}

TEST_F(PamModule, WrongCodeIsAuthErrAndCountsAFailure) {
    PamService service(registry_args());
    const std::string right = code_at(alice_seed, now_seconds());
    const std::string wrong = right == "000000" ? "000001" : "000000";
    EXPECT_EQ(service.authenticate("alice", {wrong}).rc, PAM_AUTH_ERR);
    auto registry = open_registry(dir_);
    auto info = registry.info("ALICE0001");
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->state.failures, 1);
}

TEST_F(PamModule, ReplayedCodeIsRefusedWithoutCountingAFailure) {
    PamService service(registry_args());
    const std::string code = code_at(alice_seed, now_seconds());
    ASSERT_EQ(service.authenticate("alice", {code}).rc, PAM_SUCCESS);
    EXPECT_EQ(service.authenticate("alice", {code}).rc, PAM_AUTH_ERR);
    auto registry = open_registry(dir_);
    EXPECT_EQ(registry.info("ALICE0001")->state.failures, 0);
}

TEST_F(PamModule, NonDigitAndEmptyAnswersAreAuthErrNotACrash) {
    PamService service(registry_args());
    EXPECT_EQ(service.authenticate("alice", {""}).rc, PAM_AUTH_ERR);
    EXPECT_EQ(service.authenticate("alice", {"12345x"}).rc, PAM_AUTH_ERR);
    EXPECT_EQ(service.authenticate("alice", {std::string(5000, '1')}).rc, PAM_AUTH_ERR);
    // The conversation gives no answer at all.
    EXPECT_EQ(service.authenticate("alice", {}).rc, PAM_AUTH_ERR);
}

TEST_F(PamModule, LockedTokenGivesMaxTriesAndTellsTheUser) {
    {
        // Nine failures long enough ago that the throttle has passed; the tenth locks.
        auto registry = open_registry(dir_);
        for (int i = 0; i < 9; ++i)
            ASSERT_TRUE(registry.record_failure("ALICE0001", 10, now_seconds() - 3600).has_value());
    }
    PamService service(registry_args());
    const std::string right = code_at(alice_seed, now_seconds());
    const std::string wrong = right == "000000" ? "000001" : "000000";
    const auto locking = service.authenticate("alice", {wrong});
    EXPECT_EQ(locking.rc, PAM_MAXTRIES);
    const auto after = service.authenticate("alice", {code_at(alice_seed, now_seconds())});
    EXPECT_EQ(after.rc, PAM_MAXTRIES);
    ASSERT_FALSE(after.infos.empty());
    EXPECT_NE(after.infos.back().find("locked"), std::string::npos);
}

TEST_F(PamModule, TokenThirtyFivePpmFastForTwoYearsIsFoundThroughTheDriftModel) {
    constexpr double ppm = 35;
    constexpr std::int64_t year = 31'557'600;
    const std::int64_t now = now_seconds();
    const auto ahead = [&](std::int64_t since) {  // the token's lead after `since` seconds
        return static_cast<std::int64_t>(ppm * 1e-6 * static_cast<double>(since));
    };
    {
        // Two resyncs, two years and one year ago, recorded as `hwtotp resync --token` does:
        // the step the token showed minus the verifier's step at that moment.
        auto registry = open_registry(dir_);
        for (const std::int64_t age : {2 * year, year}) {
            const std::int64_t at = now - age;
            const std::int64_t token_step = (at + ahead(2 * year - age)) / 30;
            const std::int64_t offset = token_step - at / 30;
            ASSERT_TRUE(
                registry
                    .record_resync("ALICE0001", static_cast<std::uint64_t>(token_step), offset, at)
                    .has_value());
        }
    }
    // Each observation is quantised to a whole step, so a prediction a year past the last one
    // can be a step off: the service allows ±2 steps. Centred on the stored offset (+37 steps,
    // the last resync) instead of the prediction (+73), even that window would miss the token.
    PamService service(registry_args() + " window=2");
    const auto attempt =
        service.authenticate("alice", {code_at(alice_seed, now + ahead(2 * year))});
    EXPECT_EQ(attempt.rc, PAM_SUCCESS) << pam_strerror(nullptr, attempt.rc);
}

// Logins alone keep the window on a drifting token: two accepted logins a year apart, recorded
// as the module records them (observed_by login), and no resync at all.
TEST_F(PamModule, LoginsAloneRecentreTheWindowOnADriftingToken) {
    constexpr double ppm = 35;
    constexpr std::int64_t year = 31'557'600;
    const std::int64_t now = now_seconds();
    const auto ahead = [&](std::int64_t since) {
        return static_cast<std::int64_t>(ppm * 1e-6 * static_cast<double>(since));
    };
    {
        auto registry = open_registry(dir_);
        for (const std::int64_t age : {2 * year, year}) {
            const std::int64_t at = now - age;
            const std::int64_t token_step = (at + ahead(2 * year - age)) / 30;
            ASSERT_EQ(*registry.record_accept("ALICE0001", static_cast<std::uint64_t>(token_step),
                                              token_step - at / 30, at, store::ObservedBy::login),
                      store::AcceptOutcome::recorded);
        }
    }
    PamService service(registry_args() + " window=2");  // as above: quantised observations
    const auto attempt =
        service.authenticate("alice", {code_at(alice_seed, now + ahead(2 * year))});
    EXPECT_EQ(attempt.rc, PAM_SUCCESS) << pam_strerror(nullptr, attempt.rc);
    auto registry = open_registry(dir_);
    EXPECT_EQ(registry.history("ALICE0001")->back().how, store::ObservedBy::login);
}

TEST_F(PamModule, UserWithoutATokenIsAskedThenRefused) {
    PamService service(registry_args());
    const auto attempt = service.authenticate("carol", {"123456"});
    EXPECT_EQ(attempt.rc, PAM_USER_UNKNOWN);
    // Asked like everyone else: a wrong user name looks like a wrong code.
    EXPECT_EQ(attempt.prompts.size(), 1U);
}

TEST_F(PamModule, UserWithoutATokenPassesWithNullok) {
    PamService service(registry_args() + " nullok");
    EXPECT_EQ(service.authenticate("carol", {}).rc, PAM_SUCCESS);
    // nullok is no bypass for a user who owns a token.
    const std::string right = code_at(alice_seed, now_seconds());
    EXPECT_EQ(service.authenticate("alice", {right == "000000" ? "000001" : "000000"}).rc,
              PAM_AUTH_ERR);
}

TEST_F(PamModule, MissingRegistryIsAuthinfoUnavailAndCreatesNothing) {
    TempDir empty;
    PamService service("db=" + empty.file("tokens.db") + " key=" + empty.file("tokens.key"));
    EXPECT_EQ(service.authenticate("alice", {"123456"}).rc, PAM_AUTHINFO_UNAVAIL);
    struct stat st {};
    EXPECT_NE(stat(empty.file("tokens.db").c_str(), &st), 0);
    EXPECT_NE(stat(empty.file("tokens.key").c_str(), &st), 0);
}

TEST_F(PamModule, ForeignOwnedRegistryIsAuthinfoUnavail) {
    if (geteuid() != 0)
        GTEST_SKIP() << "needs root to hand the registry to another user";
    const auto paths = paths_in(dir_);
    ASSERT_EQ(chown(paths.db.c_str(), 65534, 65534), 0);
    PamService service(registry_args());
    EXPECT_EQ(service.authenticate("alice", {code_at(alice_seed, now_seconds())}).rc,
              PAM_AUTHINFO_UNAVAIL);
}

TEST_F(PamModule, UnknownModuleArgumentFailsClosed) {
    PamService service(registry_args() + " nulok");
    EXPECT_EQ(service.authenticate("carol", {"123456"}).rc, PAM_SERVICE_ERR);
}

// pam_exec with expose_authtok (Linux-PAM) asks for a password and keeps it as PAM_AUTHTOK,
// as pam_unix does for the modules after it.
constexpr const char* authtok_setter = "auth optional pam_exec.so expose_authtok /bin/true";

TEST_F(PamModule, UseFirstPassTakesTheCodeAnEarlierModuleCollected) {
    PamService service(registry_args() + " use_first_pass", authtok_setter);
    const auto attempt = service.authenticate("alice", {code_at(alice_seed, now_seconds())});
    EXPECT_EQ(attempt.rc, PAM_SUCCESS) << pam_strerror(nullptr, attempt.rc);
    ASSERT_EQ(attempt.prompts.size(), 1U);  // pam_exec's; ours never asked
    EXPECT_NE(attempt.prompts[0], "Token code: ");
}

TEST_F(PamModule, UseFirstPassWithoutAnEarlierModuleFailsWithoutAsking) {
    PamService service(registry_args() + " use_first_pass");
    const auto attempt = service.authenticate("alice", {code_at(alice_seed, now_seconds())});
    EXPECT_EQ(attempt.rc, PAM_AUTH_ERR);
    EXPECT_TRUE(attempt.prompts.empty());
}

TEST_F(PamModule, TryFirstPassAsksWhenNoEarlierModuleCollectedOne) {
    PamService service(registry_args() + " try_first_pass");
    const auto attempt = service.authenticate("alice", {code_at(alice_seed, now_seconds())});
    EXPECT_EQ(attempt.rc, PAM_SUCCESS);
    ASSERT_EQ(attempt.prompts.size(), 1U);
    EXPECT_EQ(attempt.prompts[0], "Token code: ");
}

TEST_F(PamModule, TwoThreadsAuthenticateDifferentUsersAtOnce) {
    PamService service(registry_args());
    for (int round = 0; round < 5; ++round) {
        // Each round one new step per user would be needed for a second success; use the
        // replay answer from round 1 on: success once, then replay, never a crash or a mix-up.
        int alice_rc = -1;
        int bob_rc = -1;
        std::thread a([&] {
            alice_rc = service.authenticate("alice", {code_at(alice_seed, now_seconds())}).rc;
        });
        std::thread b(
            [&] { bob_rc = service.authenticate("bob", {code_at(bob_seed, now_seconds())}).rc; });
        a.join();
        b.join();
        if (round == 0) {
            EXPECT_EQ(alice_rc, PAM_SUCCESS);
            EXPECT_EQ(bob_rc, PAM_SUCCESS);
        } else {
            EXPECT_TRUE(alice_rc == PAM_SUCCESS || alice_rc == PAM_AUTH_ERR);
            EXPECT_TRUE(bob_rc == PAM_SUCCESS || bob_rc == PAM_AUTH_ERR);
        }
    }
}

// The module runs inside someone else's process, where OpenSSL reads a configuration once: the
// host's choice of configuration must stand, whether it loads one before a login or after it.
// pam_openssl_host (openssl_host.cpp) is a fresh host process; OPENSSL_CONF is the "system" one.
class PamModuleOpenSslHost : public PamModule {
  protected:
    [[nodiscard]] std::string run_host(const std::string& when) const {
        std::ofstream(dir_.file("system.cnf")) << config_defining("hwtotpSystemCheck", 1);
        std::ofstream(dir_.file("host.cnf")) << config_defining("hwtotpHostCheck", 2);
        hwtotp::test::CliOptions options;
        options.binary = HWTOTP_PAM_OPENSSL_HOST;
        options.env["OPENSSL_CONF"] = dir_.file("system.cnf");
        const auto run = hwtotp::test::run_cli({when, dir_.file("host.cnf"), registry_args(),
                                                "alice", code_at(alice_seed, now_seconds())},
                                               options);
        EXPECT_EQ(run.exit_code, 0) << run.err;
        return run.out;
    }

  private:
    static std::string config_defining(const std::string& oid_name, int arc) {
        return "openssl_conf = init\n[init]\noid_section = oids\n[oids]\n" + oid_name +
               " = 1.3.6.1.4.1.99999.16." + std::to_string(arc) + "\n";
    }
};

TEST_F(PamModuleOpenSslHost, HostThatLoadedItsOwnConfigurationKeepsIt) {
    EXPECT_EQ(run_host("before"), "pam=0 system_config=0 host_config=1\n");
}

TEST_F(PamModuleOpenSslHost, HostThatLoadsTheConfigurationAfterALoginStillGetsIt) {
    EXPECT_EQ(run_host("after"), "pam=0 system_config=1 host_config=0\n");
}

}  // namespace
}  // namespace hwtotp::pam::test
