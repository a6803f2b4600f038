// The pam-oath export read by its real consumer: Linux-PAM loading Debian's pam_oath.so with the
// exported usersfile. A user logs in with a code hwtotp computes from its own registry; the same
// code replayed is refused (pam_oath rewrites the usersfile to record it).
//
// pam_oath reads the system clock (it takes no time argument), so the codes here are computed
// for the real time too; window=3 absorbs a step boundary passed between the two calls.
#include <security/pam_appl.h>
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "export_test_util.h"
#include "pam_harness.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

namespace hwtotp::test {
namespace {

const std::string pam_oath_module = "/lib/x86_64-linux-gnu/security/pam_oath.so";

// pam_oath (Debian's 2.6.7) never frees the conversation's answers, which PAM makes the module's
// to free: LeakSanitizer would fail the sanitized run on a leak that is not ours. Only logins
// through pam_oath are exempt; pam_hwtotp's own logins are leak-checked in tests/pam.
int login(const pam::test::PamService& service, const std::string& user,
          const std::vector<std::string>& answers) {
#if defined(__SANITIZE_ADDRESS__)
    __lsan_disable();
#endif
    const int rc = service.authenticate(user, answers).rc;
#if defined(__SANITIZE_ADDRESS__)
    __lsan_enable();
#endif
    return rc;
}

class PamOathConsumer : public ::testing::Test {
  protected:
    void SetUp() override {
        struct stat st {};
        ASSERT_EQ(::stat(pam_oath_module.c_str(), &st), 0)
            << pam_oath_module << " is missing: scripts/install-deps.sh installs libpam-oath";
        std::ofstream(reg.file("tokens.csv"))
            << "PAMT0001," << seed_sha1 << ",totp\n"
            << "PAMH0002," << seed_sha1 << ",hotp,8\n"
            << "PAMS0003," << seed_sha256 << ",totp,6,30,sha256\n";
        reg.import("src", reg.file("tokens.csv"));
        for (const auto& [serial, user] :
             {std::pair{"PAMT0001", "alice"}, {"PAMH0002", "bob"}, {"PAMS0003", "carol"}}) {
            const auto r = reg.hw("src", {"tokens", "assign", serial, user});
            ASSERT_EQ(r.exit_code, 0) << r.err;
        }
        const auto r =
            reg.hw("src", {"export", "--format", "pam-oath", "--all", "--output", users_file()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    std::string users_file() const { return reg.file("users.oath"); }
    std::string code(const std::string& serial) const {
        const auto r = reg.hw("src", {"code", "--token", serial});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out.substr(0, r.out.find('\n'));
    }

    ExportRegistries reg;
};

TEST_F(PamOathConsumer, TotpUserLogsInWithHwtotpsCodeAndTheReplayIsRefused) {
    const pam::test::PamService service("usersfile=" + users_file() + " window=3", "",
                                        pam_oath_module);
    const std::string now = code("PAMT0001");
    EXPECT_EQ(login(service, "alice", {now}), PAM_SUCCESS);
    EXPECT_NE(login(service, "alice", {now}), PAM_SUCCESS);
    EXPECT_NE(login(service, "alice", {"000000"}), PAM_SUCCESS);
}

TEST_F(PamOathConsumer, HotpUserLogsInAtTheNextCounterWithEightDigitsAndTheReplayIsRefused) {
    const pam::test::PamService service("usersfile=" + users_file() + " window=3 digits=8", "",
                                        pam_oath_module);
    const std::string next = code("PAMH0002");  // RFC 4226 counter 0, eight digits
    ASSERT_EQ(next.size(), 8U);
    EXPECT_EQ(login(service, "bob", {next}), PAM_SUCCESS);
    EXPECT_NE(login(service, "bob", {next}), PAM_SUCCESS);
}

TEST_F(PamOathConsumer, Sha256TokenIsLeftOutSoItsUserCannotLogIn) {
    std::ifstream in(users_file());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find("carol"), std::string::npos);
    const pam::test::PamService service("usersfile=" + users_file() + " window=3", "",
                                        pam_oath_module);
    EXPECT_NE(login(service, "carol", {code("PAMS0003")}), PAM_SUCCESS);
}

}  // namespace
}  // namespace hwtotp::test
