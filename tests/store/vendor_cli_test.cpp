// Vendor and verifier seed files through the real binary: detection by content, the codes the
// imported tokens make, --skip-unsupported, and the refusals' wording.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "run_cli.h"

namespace hwtotp::test {
namespace vendor_cli_test {

const std::string vendor_dir = std::string(HWTOTP_VECTORS_DIR) + "/vendor/";
const std::string pskc_dir = std::string(HWTOTP_VECTORS_DIR) + "/pskc/";
constexpr const char* rfc_seed = "3132333435363738393031323334353637383930";
constexpr const char* rfc_seed_sha256 =
    "3132333435363738393031323334353637383930313233343536373839303132";

class VendorCli : public ::testing::Test {
  protected:
    CliResult hw(const std::vector<std::string>& args) {
        CliOptions options;
        options.env = {{"HWTOTP_DB", dir.file("reg/tokens.db")}, {"HWTOTP_KEY_FILE", ""}};
        return run_cli(args, options);
    }
    void import_ok(const std::vector<std::string>& args) {
        auto r = hw(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    std::string token_code(const std::string& serial, const std::string& time = "") {
        std::vector<std::string> args{"code", "--token", serial};
        if (!time.empty())
            args.insert(args.end(), {"--time", time});
        auto r = hw(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out;
    }
    static std::string hex_code(std::vector<std::string> args) {
        args.insert(args.begin(), "code");
        auto r = run_cli(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out;
    }

    TempDir dir;
};

TEST_F(VendorCli, SafenetXmlIsDetectedAndItsEventTokensMatchRfc4226) {
    auto r = hw({"import", vendor_dir + "safenet.xml"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("(safenet-xml): 2 added"), std::string::npos) << r.out;
    EXPECT_EQ(token_code("SNET00000001"), "755224\n");  // RFC 4226 Appendix D, count 0
    EXPECT_EQ(token_code("SNET00000002"), hex_code({"--hex", rfc_seed_sha256, "--algorithm",
                                                    "sha256", "--hotp", "--counter", "5"}));
}

TEST_F(VendorCli, EtokenTimeTokensCountFromTheYear2000) {
    import_ok({"import", vendor_dir + "etoken.dat"});
    // 59 s after 2000-01-01T00:00:00Z is step 1: RFC 6238's 94287082 at T = 59, six digits.
    EXPECT_EQ(token_code("ETPT00000002", "946684859"), "287082\n");
    EXPECT_EQ(token_code("ETPT00000002", "1700000000"),
              hex_code({"--hex", rfc_seed, "--t0", "946684800", "--time", "1700000000"}));
    EXPECT_EQ(token_code("ETPT00000003", "1700000000"),
              hex_code({"--hex", rfc_seed_sha256, "--algorithm", "sha256", "--digits", "8",
                        "--period", "60", "--t0", "946684800", "--time", "1700000000"}));
    EXPECT_EQ(token_code("ETPE00000001"),
              hex_code({"--hex", rfc_seed, "--hotp", "--counter", "3"}));
}

TEST_F(VendorCli, EntraCsvTokensAreTotp) {
    auto r = hw({"--json", "import", vendor_dir + "entra.csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["format"], "entra-csv");
    EXPECT_EQ(j["imported"], 2);
    EXPECT_EQ(token_code("ENTR00000001", "59"), "287082\n");
    EXPECT_EQ(token_code("ENTR00000002", "1700000000"),
              hex_code({"--hex", rfc_seed, "--period", "60", "--time", "1700000000"}));
}

TEST_F(VendorCli, PrivacyideaCsvOcraLineIsRefusedUnlessSkipped) {
    const std::string file = vendor_dir + "privacyidea.csv";
    auto refused = hw({"import", file, "--format", "privacyidea-csv"});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_EQ(refused.err, "hwtotp: error: " + file +
                               ": line 4 (serial PIOC00000003): type 'ocra' (hwtotp imports HOTP "
                               "and TOTP keys); pass --skip-unsupported to import the others "
                               "(nothing was imported)\n");
    EXPECT_EQ(hw({"tokens", "list"}).out.find("PIHO00000001"), std::string::npos);

    auto r = hw({"--json", "import", file, "--format", "privacyidea-csv", "--skip-unsupported"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err,
              "hwtotp: warning: skipped line 4 (serial PIOC00000003): type 'ocra' (hwtotp "
              "imports HOTP and TOTP keys)\n");
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["added"], 2);
    EXPECT_EQ(j["skipped"], 1);
    EXPECT_EQ(token_code("PIHO00000001"), "287082\n");  // counter 1
}

TEST_F(VendorCli, PamOathUsersfileContinuesAfterTheLastUsedCounter) {
    auto r = hw({"import", vendor_dir + "users.oath"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("(pam-oath): 4 added"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("line 4 (serial pam-oath:bob): the PIN is not imported"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("1234"), std::string::npos);
    // alice used 755224 (counter 0): the next code pam_oath accepts is counter 1's.
    EXPECT_EQ(token_code("pam-oath:alice"), "287082\n");
    EXPECT_EQ(token_code("pam-oath:alice:2"),
              hex_code({"--hex", rfc_seed, "--hotp", "--counter", "5", "--digits", "8"}));
}

TEST_F(VendorCli, PskcSkipUnsupportedImportsTheHotpKeyOfFigure5) {
    const std::string file = pskc_dir + "figure5.pskcxml";
    auto refused = hw({"import", file});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("pass --skip-unsupported to import the others"), std::string::npos)
        << refused.err;
    auto r = hw({"import", file, "--skip-unsupported"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("1 added, 0 replaced, 1 skipped as unsupported"), std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find("skipped KeyPackage 2 (serial 987654321): unsupported algorithm"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(token_code("987654321"), "84755224\n");  // RFC 4226 count 0, 8 digits
}

TEST_F(VendorCli, PskcDraftFileIsReadAndExpiredPolicyWarns) {
    import_ok({"import", pskc_dir + "draft-encrypted.pskcxml", "--key",
               "12345678901234567890123456789012"});
    EXPECT_EQ(token_code("DRFT00000021"),
              hex_code({"--hex", rfc_seed, "--hotp", "--counter", "3", "--digits", "8"}));
    // The import's time is the real clock's, which is past the policy's 2010 expiry.
    auto r = hw({"import", pskc_dir + "policy.pskcxml"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("ExpiryDate 2010-05-31T00:00:00Z has passed"), std::string::npos) << r.err;
}

}  // namespace vendor_cli_test
}  // namespace hwtotp::test
