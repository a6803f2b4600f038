// `hwtotp audit` end to end: every vector in vectors/aws through the built binary, in text and
// --json, with the verdict the rule gives for the data and the documented exit code
// (0 PASS/NOT_APPLICABLE, 1 FAIL/INCOMPLETE, 2 bad input).
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "run_cli.h"
#include "vectors.h"

namespace hwtotp::test {
namespace {

std::string vec(const std::string& name) {
    return vectors_path("aws/" + name);
}

struct Case {
    const char* name;
    std::vector<std::string> reports;
    std::vector<std::string> virtual_pages;
    std::vector<std::string> device_pages;
    std::vector<std::pair<std::string, std::string>> verdicts;  // account id, verdict
    int exit_code;
    std::vector<std::string> extra_args = {};
};
void PrintTo(const Case& c, std::ostream* os) {
    *os << c.name;
}

std::vector<std::string> args_of(const Case& c, bool json) {
    std::vector<std::string> args{"audit"};
    for (const auto& f : c.reports) {
        args.push_back("--credential-report");
        args.push_back(vec(f));
    }
    for (const auto& f : c.virtual_pages) {
        args.push_back("--virtual-mfa");
        args.push_back(vec(f));
    }
    for (const auto& f : c.device_pages) {
        args.push_back("--mfa-devices");
        args.push_back(vec(f));
    }
    args.insert(args.end(), c.extra_args.begin(), c.extra_args.end());
    if (json)
        args.push_back("--json");
    return args;
}

class AuditCli : public testing::TestWithParam<Case> {};

TEST_P(AuditCli, Text) {
    const Case& c = GetParam();
    const auto r = run_cli(args_of(c, false));
    EXPECT_EQ(r.exit_code, c.exit_code) << r.out << r.err;
    EXPECT_EQ(r.err, "");
    for (const auto& [account, verdict] : c.verdicts) {
        EXPECT_NE(r.out.find("account " + account + ": " + verdict + " - "), std::string::npos)
            << r.out;
    }
    if (c.verdicts.front().second == "FAIL") {
        EXPECT_NE(r.out.find("hwtotp enroll"), std::string::npos) << r.out;
    }
}

TEST_P(AuditCli, Json) {
    const Case& c = GetParam();
    const auto r = run_cli(args_of(c, true));
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_EQ(r.err, "");
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc.at("exit_code"), c.exit_code);
    const auto& accounts = doc.at("accounts");
    ASSERT_EQ(accounts.size(), c.verdicts.size());
    for (std::size_t i = 0; i < c.verdicts.size(); ++i) {
        const auto& a = accounts[i];
        EXPECT_EQ(a.at("account_id"), c.verdicts[i].first);
        EXPECT_EQ(a.at("verdict"), c.verdicts[i].second);
        ASSERT_FALSE(a.at("findings").empty());
        const auto& main = a.at("findings")[0];
        EXPECT_EQ(main.at("rule_id"), "IAM-042");
        EXPECT_EQ(main.at("status"), c.verdicts[i].second);
        EXPECT_EQ(main.at("severity"), "critical");
        EXPECT_FALSE(main.at("evidence").empty());
        EXPECT_FALSE(a.at("files").empty());
        for (const auto& f : a.at("findings")) {
            for (const char* key :
                 {"rule_id", "severity", "status", "message", "evidence", "files"})
                EXPECT_TRUE(f.contains(key)) << key;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, AuditCli,
    testing::Values(
        // Root mfa_active=false: FAIL.
        Case{"root_no_mfa_csv", {"root_no_mfa.csv"}, {}, {}, {{"111122223333", "FAIL"}}, 1},
        Case{
            "root_no_mfa_json_cli_v2", {"root_no_mfa.json"}, {}, {}, {{"111122223333", "FAIL"}}, 1},
        // A virtual device named my-phone with User.Arn = the root ARN: FAIL.
        Case{"root_virtual_custom_name",
             {"root_mfa.csv"},
             {"virtual_root_custom_name.json"},
             {},
             {{"222233334444", "FAIL"}},
             1},
        Case{"root_virtual_custom_name_json_cli_v1",
             {"root_mfa.json"},
             {"virtual_root_custom_name.json"},
             {},
             {{"222233334444", "FAIL"}},
             1},
        // Root has MFA and no virtual device is root's: PASS.
        Case{"root_hardware",
             {"root_mfa.csv"},
             {"virtual_hardware.json"},
             {},
             {{"222233334444", "PASS"}},
             0},
        // Root has MFA, no listing: INCOMPLETE.
        Case{"root_mfa_no_listing", {"root_mfa.csv"}, {}, {}, {{"222233334444", "INCOMPLETE"}}, 1},
        // No User, serial mfa/root-account-mfa-device: FAIL.
        Case{"legacy_no_user",
             {"root_mfa.csv"},
             {"virtual_legacy_no_user.json"},
             {},
             {{"222233334444", "FAIL"}},
             1},
        // Two pages; the root device is on page 2: FAIL.
        Case{"paginated",
             {"root_mfa.csv"},
             {"virtual_page1.json", "virtual_page2.json"},
             {},
             {{"222233334444", "FAIL"}},
             1},
        // Page 1 only, IsTruncated: true: INCOMPLETE.
        Case{"paginated_first_page_only",
             {"root_mfa.csv"},
             {"virtual_page1.json"},
             {},
             {{"222233334444", "INCOMPLETE"}},
             1},
        // Root has no password, keys or certificates: NOT_APPLICABLE.
        Case{"root_no_credentials",
             {"root_no_credentials.csv"},
             {},
             {},
             {{"333344445555", "NOT_APPLICABLE"}},
             0},
        // GovCloud: password_enabled=not_supported is no password; nothing else: NOT_APPLICABLE.
        Case{"root_govcloud_no_password",
             {"root_govcloud_no_password.csv"},
             {},
             {},
             {{"666677778888", "NOT_APPLICABLE"}},
             0},
        // Root access keys: the verdict is still PASS; --strict makes CIS-1.4 count.
        Case{"root_access_keys",
             {"root_access_keys.csv"},
             {"virtual_empty.json"},
             {},
             {{"444455556666", "PASS"}},
             0},
        Case{"root_access_keys_strict",
             {"root_access_keys.json"},
             {"virtual_empty.json"},
             {},
             {{"444455556666", "PASS"}},
             1,
             {"--strict"}},
        // CRLF, reordered and extra columns; hardware and FIDO devices listed for root.
        Case{"crlf_reordered",
             {"root_hardware_crlf_reordered.csv"},
             {"virtual_555566667777.json"},
             {"mfa_devices_555566667777.json"},
             {{"555566667777", "PASS"}},
             0},
        // Two accounts, one failing.
        Case{"two_accounts",
             {"root_no_mfa.csv", "root_mfa.json"},
             {"virtual_hardware.json"},
             {},
             {{"111122223333", "FAIL"}, {"222233334444", "PASS"}},
             1},
        // Two accounts, both hardware, listings in the other order.
        Case{"two_accounts_pass",
             {"root_hardware_crlf_reordered.csv", "root_mfa.csv"},
             {"virtual_hardware.json", "virtual_555566667777.json"},
             {},
             {{"555566667777", "PASS"}, {"222233334444", "PASS"}},
             0}));

TEST(AuditCliFindings, NeighbouringControls) {
    auto r = run_cli({"audit", "--credential-report", vec("root_no_mfa.csv"), "--json"});
    auto doc = nlohmann::json::parse(r.out);
    bool bob = false;
    for (const auto& f : doc["accounts"][0]["findings"]) {
        if (f["rule_id"] == "CIS-1.10" && f["status"] == "FAIL") {
            EXPECT_NE(f["message"].get<std::string>().find("bob"), std::string::npos);
            EXPECT_EQ(f["severity"], "medium");
            bob = true;
        }
    }
    EXPECT_TRUE(bob);

    r = run_cli({"audit", "--credential-report", vec("root_access_keys.csv"), "--json"});
    doc = nlohmann::json::parse(r.out);
    const auto& keys = doc["accounts"][0]["findings"][1];
    EXPECT_EQ(keys["rule_id"], "CIS-1.4");
    EXPECT_EQ(keys["status"], "FAIL");
    EXPECT_EQ(keys["severity"], "critical");
}

// The library names no hwtotp command or option; the CLI adds what hwtotp offers.
TEST(AuditCliFindings, HwtotpFollowUpsAreAddedByTheCli) {
    auto r = run_cli({"audit", "--credential-report", vec("root_no_mfa.csv"), "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    auto doc = nlohmann::json::parse(r.out);
    const auto& findings = doc["accounts"][0]["findings"];
    EXPECT_EQ(findings[0]["remediation"],
              "Enroll a hardware MFA token for the root user in the console (root MFA cannot be "
              "set through the API). `hwtotp enroll` times the two consecutive codes and checks "
              "them before you submit.");
    bool bob = false;
    for (const auto& f : findings) {
        if (f["rule_id"] == "CIS-1.10" && f["status"] == "FAIL") {
            EXPECT_EQ(f["remediation"],
                      "Enable MFA for bob, or remove the console password if it is not needed. "
                      "For a hardware token, `hwtotp check --user bob ...` prints the "
                      "enable-mfa-device command.");
            bob = true;
        }
    }
    EXPECT_TRUE(bob);

    r = run_cli({"audit", "--credential-report", vec("root_mfa.csv")});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.out.find("fix: Run `aws iam list-virtual-mfa-devices > virtual.json` in this "
                         "account and audit again with that listing. Give it with --virtual-mfa "
                         "virtual.json."),
              std::string::npos)
        << r.out;
}

TEST(AuditCliFindings, HelpListsAudit) {
    const auto r = run_cli({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("audit"), std::string::npos);
    const auto h = run_cli({"audit", "--help"});
    EXPECT_EQ(h.exit_code, 0);
    EXPECT_NE(h.out.find("--credential-report"), std::string::npos);
    EXPECT_NE(h.out.find("INCOMPLETE"), std::string::npos);
}

struct Bad {
    const char* name;
    std::vector<std::string> args;  // file names are resolved in vectors/aws
    std::string must_mention;
};
void PrintTo(const Bad& b, std::ostream* os) {
    *os << b.name;
}

class AuditCliBad : public testing::TestWithParam<Bad> {};

TEST_P(AuditCliBad, ExitsTwoWithOneErrorLine) {
    const Bad& b = GetParam();
    std::vector<std::string> args{"audit"};
    for (const auto& a : b.args)
        args.push_back(a.rfind("--", 0) == 0 || a.rfind("/", 0) == 0 ? a : vec(a));
    for (const bool json : {false, true}) {
        auto call = args;
        if (json)
            call.push_back("--json");
        const auto r = run_cli(call);
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_EQ(r.out, "");
        const auto errs = lines(r.err);
        ASSERT_EQ(errs.size(), 1U) << r.err;
        EXPECT_EQ(errs[0].rfind("hwtotp: error: ", 0), 0U) << errs[0];
        EXPECT_NE(errs[0].find(b.must_mention), std::string::npos) << errs[0];
    }
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, AuditCliBad,
    testing::Values(
        Bad{"truncated_csv",
            {"--credential-report", "bad_truncated.csv"},
            "bad_truncated.csv:4: the row has 14 fields but the header has 22"},
        Bad{"truncated_csv_json",
            {"--credential-report", "bad_truncated.json"},
            "bad_truncated.json: Content line 4:"},
        Bad{"no_mfa_active",
            {"--credential-report", "bad_no_mfa_active.csv"},
            "bad_no_mfa_active.csv:1: the header has no mfa_active column"},
        Bad{"bad_base64",
            {"--credential-report", "bad_base64.json"},
            "bad_base64.json:2: field Content is not valid base64"},
        Bad{"report_format",
            {"--credential-report", "bad_report_format.json"},
            "bad_report_format.json:3: field ReportFormat"},
        Bad{"unclosed_quote",
            {"--credential-report", "bad_unclosed_quote.csv"},
            "bad_unclosed_quote.csv:2:"},
        Bad{"not_listing",
            {"--credential-report", "root_mfa.csv", "--virtual-mfa", "bad_not_listing.json"},
            "bad_not_listing.json: no VirtualMFADevices or MFADevices array"},
        Bad{"json_truncated",
            {"--credential-report", "root_mfa.csv", "--virtual-mfa", "bad_json_truncated.json"},
            "bad_json_truncated.json:"},
        Bad{"other_account",
            {"--credential-report", "root_mfa.csv", "--virtual-mfa",
             "bad_other_account_virtual.json"},
            "the files belong to different accounts"},
        Bad{"listing_as_report",
            {"--credential-report", "virtual_hardware.json"},
            "virtual_hardware.json: this is list-virtual-mfa-devices output, not a credential "
            "report: give it with --virtual-mfa"},
        Bad{"device_listing_as_report",
            {"--credential-report", "mfa_devices_555566667777.json"},
            "mfa_devices_555566667777.json: this is list-mfa-devices output, not a credential "
            "report: give it with --mfa-devices"},
        Bad{"virtual_listing_as_device_listing",
            {"--credential-report", "root_mfa.csv", "--mfa-devices", "virtual_hardware.json"},
            "virtual_hardware.json: this is list-virtual-mfa-devices output: give it with "
            "--virtual-mfa, not --mfa-devices"},
        Bad{"wrong_listing_kind",
            {"--credential-report", "root_hardware_crlf_reordered.csv", "--virtual-mfa",
             "mfa_devices_555566667777.json"},
            "give it with --mfa-devices"},
        Bad{"same_account_twice",
            {"--credential-report", "root_mfa.csv", "--credential-report", "root_mfa.json"},
            "a second credential report for account 222233334444"},
        Bad{"missing_file",
            {"--credential-report", "/nonexistent/report.json"},
            "/nonexistent/report.json: cannot read"},
        Bad{"directory", {"--credential-report", "/"}, "/: cannot read: it is a directory"},
        Bad{"no_report", {"--virtual-mfa", "virtual_hardware.json"}, "--credential-report"}));

// A credential report is a file anyone with IAM access can shape: a user name with an OSC
// window title, BEL, CR and an erase-screen sequence is printed escaped in the text report
// (message, evidence and the suggested command alike) and JSON-escaped with --json.
TEST(AuditCliHostileText, ControlCharactersInUserNamesNeverReachTheTerminal) {
    TempDir dir;
    const std::string path = dir.file("report.csv");
    std::ifstream in(vec("root_mfa.csv"), std::ios::binary);
    std::string report((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    report +=
        "\"ev\x1b]0;pwned\x07il\rOK\x1b[2J\",arn:aws:iam::222233334444:user/evil,"
        "2018-03-04T05:06:07Z,true,2026-11-21T12:00:00Z,2024-03-04T05:06:07Z,N/A,false,"
        "false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
    std::ofstream(path, std::ios::binary) << report;

    const auto text = run_cli({"audit", "--credential-report", path});
    EXPECT_EQ(text.exit_code, 1) << text.err;
    for (const char c : text.out) {
        const auto u = static_cast<unsigned char>(c);
        EXPECT_FALSE((u < 0x20 && c != '\n') || u == 0x7f) << "raw byte " << int{u} << text.out;
    }
    EXPECT_NE(text.out.find("IAM user ev\\x1b]0;pwned\\x07il\\x0dOK\\x1b[2J has a console "
                            "password and no MFA"),
              std::string::npos)
        << text.out;

    const auto json = run_cli({"audit", "--credential-report", path, "--json"});
    EXPECT_NE(json.out.find("IAM user ev\\u001b]0;pwned\\u0007il\\rOK\\u001b[2J has"),
              std::string::npos)
        << json.out;
}

}  // namespace
}  // namespace hwtotp::test
