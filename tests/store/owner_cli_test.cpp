// Token owners through the real binary: tokens assign (with and without a verifying code),
// one token per owner, unassign, and owners in tokens list/show.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.h"

namespace hwtotp::test {
namespace owner_cli_test {

// RFC 6238's SHA-1 seed: at T = 59 the 6-digit code is 287082 (RFC 6238 Appendix B, 94287082).
constexpr const char* rfc_seed = "3132333435363738393031323334353637383930";

class OwnerCli : public ::testing::Test {
  protected:
    void SetUp() override {
        std::ofstream csv(dir.file("t.csv"));
        csv << "serial,secret\nGAKT00000001," << rfc_seed << "\nGAKT00000002," << rfc_seed << "\n";
        csv.close();
        ASSERT_EQ(hw({"import", dir.file("t.csv")}).exit_code, 0);
    }
    CliResult hw(const std::vector<std::string>& args) {
        CliOptions options;
        options.env = {{"HWTOTP_DB", dir.file("tokens.db")}, {"HWTOTP_KEY_FILE", ""}};
        return run_cli(args, options);
    }
    nlohmann::json show(const std::string& serial) {
        const auto r = hw({"--json", "tokens", "show", serial});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return nlohmann::json::parse(r.out);
    }
    TempDir dir;
};

TEST_F(OwnerCli, AssignedOwnerIsShownAndUnassignRemovesIt) {
    auto r = hw({"tokens", "assign", "GAKT00000001", "alice"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "assigned token GAKT00000001 to alice\n");
    EXPECT_EQ(show("GAKT00000001")["owner"], "alice");
    EXPECT_TRUE(show("GAKT00000002")["owner"].is_null());
    const auto list = hw({"tokens", "list"});
    EXPECT_NE(list.out.find(" alice "), std::string::npos) << list.out;
    ASSERT_EQ(hw({"tokens", "unassign", "GAKT00000001"}).exit_code, 0);
    EXPECT_TRUE(show("GAKT00000001")["owner"].is_null());
}

TEST_F(OwnerCli, SecondTokenForAnOwnerIsRefusedNamingTheFirst) {
    ASSERT_EQ(hw({"tokens", "assign", "GAKT00000001", "alice"}).exit_code, 0);
    const auto r = hw({"tokens", "assign", "GAKT00000002", "alice"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err,
              "hwtotp: error: alice already owns token GAKT00000001 (one token per owner: "
              "unassign it first)\n");
    EXPECT_TRUE(show("GAKT00000002")["owner"].is_null());
    // Reassigning the same token to its owner is no conflict.
    EXPECT_EQ(hw({"tokens", "assign", "GAKT00000001", "alice"}).exit_code, 0);
}

TEST_F(OwnerCli, WithACodeTheTokenIsAssignedOnlyWhenTheCodeVerifiesAndItsStepIsRecorded) {
    auto wrong =
        hw({"tokens", "assign", "GAKT00000001", "alice", "--code", "000000", "--time", "59"});
    EXPECT_EQ(wrong.exit_code, 2) << wrong.err;
    EXPECT_TRUE(show("GAKT00000001")["owner"].is_null());
    EXPECT_EQ(show("GAKT00000001")["failures"], 1);

    auto right =
        hw({"tokens", "assign", "GAKT00000001", "alice", "--code", "287082", "--time", "59"});
    ASSERT_EQ(right.exit_code, 0) << right.err;
    EXPECT_EQ(right.out,
              "assigned token GAKT00000001 to alice (its code verified and was recorded)\n");
    const auto token = show("GAKT00000001");
    EXPECT_EQ(token["owner"], "alice");
    EXPECT_EQ(token["last_step"], 1);  // T = 59 is step 1 at 30 s
    EXPECT_EQ(token["failures"], 0);

    // Another token's first use of the same code is no replay; the same token's is: refused,
    // and nothing changes hands.
    auto replay =
        hw({"tokens", "assign", "GAKT00000002", "bob", "--code", "287082", "--time", "59"});
    EXPECT_EQ(replay.exit_code, 0) << "another token's first use is no replay: " << replay.err;
    auto again =
        hw({"tokens", "assign", "GAKT00000001", "carol", "--code", "287082", "--time", "59"});
    EXPECT_EQ(again.exit_code, 5) << again.err;
    EXPECT_EQ(show("GAKT00000001")["owner"], "alice");
}

TEST_F(OwnerCli, OwnerWithAControlCharacterOrAnUnknownSerialIsRefused) {
    auto bad = hw({"tokens", "assign", "GAKT00000001", std::string("al\x1bice")});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_EQ(bad.err,
              "hwtotp: error: an owner has a control character at position 3 (accepted: "
              "printable text)\n");
    auto unknown = hw({"tokens", "assign", "NOPE0001", "alice"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("no token with serial NOPE0001"), std::string::npos);
}

}  // namespace owner_cli_test
}  // namespace hwtotp::test
