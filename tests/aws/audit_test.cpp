// The IAM-042 decision and the neighbouring findings, on small hand-made inputs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hwtotp/aws/audit.h"

// Its own namespace: the unity build compiles several test files as one unit, where
// file-local names (params, year, serial) of two files would collide.
namespace hwtotp::aws::audit_test {
namespace {

const std::string header =
    "user,arn,password_enabled,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_2_active,access_key_2_last_rotated,cert_1_active,cert_2_active\n";

std::string root(const char* account, const char* password, const char* mfa,
                 const char* key1 = "false", const char* key1_rotated = "N/A") {
    return std::string("<root_account>,arn:aws:iam::") + account + ":root," + password + "," + mfa +
           "," + key1 + "," + key1_rotated + ",false,N/A,false,false\n";
}

CredentialReport report(const std::string& csv, const char* file = "r.csv") {
    auto r = parse_credential_report(csv, file);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return *r;
}

MfaListingPage listing(const std::string& json, const char* file = "v.json") {
    auto p = parse_mfa_listing(json, file);
    EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
    return *p;
}

std::string virtual_device(const char* account, const char* name, const char* user_arn) {
    std::string d =
        std::string(R"({"SerialNumber": "arn:aws:iam::)") + account + ":mfa/" + name + "\"";
    if (user_arn != nullptr)
        d += std::string(R"(, "User": {"Arn": ")") + user_arn + "\"}";
    return d + "}";
}

std::string page(const std::string& devices, bool truncated = false) {
    return R"({"VirtualMFADevices": [)" + devices +
           "], \"IsTruncated\": " + (truncated ? "true" : "false") + "}";
}

const char* const acct = "123456789012";

AccountAudit audit_one(const AuditInput& input) {
    auto r = run_audit(input);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    EXPECT_EQ(r->accounts.size(), 1u);
    return r->accounts.front();
}

TEST(Audit, RootWithoutMfaFails) {
    AuditInput in;
    in.reports.push_back(report(header + root(acct, "true", "false")));
    const auto a = audit_one(in);
    EXPECT_EQ(a.verdict, Verdict::fail);
    EXPECT_EQ(a.account_id, acct);
    EXPECT_EQ(a.findings.front().rule_id, "IAM-042");
    EXPECT_EQ(a.findings.front().status, Verdict::fail);
    EXPECT_NE(a.findings.front().remediation.find("Enroll a hardware MFA token for the root user"),
              std::string::npos);
    EXPECT_EQ(a.findings.front().follow_up, FollowUp::enroll_root_hardware_token);
}

TEST(Audit, RootWithMfaButNoListingIsIncomplete) {
    AuditInput in;
    in.reports.push_back(report(header + root(acct, "not_supported", "true")));
    const auto a = audit_one(in);
    EXPECT_EQ(a.verdict, Verdict::incomplete);
    EXPECT_NE(a.summary.find("cannot tell hardware from virtual without list-virtual-mfa-devices"),
              std::string::npos);
}

TEST(Audit, RootVirtualDeviceByUserArnFailsWhateverItsName) {
    AuditInput in;
    in.reports.push_back(report(header + root(acct, "true", "true")));
    in.virtual_listings.push_back(
        listing(page(virtual_device(acct, "my-phone", "arn:aws:iam::123456789012:root"))));
    const auto a = audit_one(in);
    EXPECT_EQ(a.verdict, Verdict::fail);
    EXPECT_NE(a.summary.find("mfa/my-phone"), std::string::npos);
}

TEST(Audit, LegacySerialCountsOnlyWithoutUser) {
    AuditInput in;
    in.reports.push_back(report(header + root(acct, "true", "true")));
    in.virtual_listings.push_back(
        listing(page(virtual_device(acct, "root-account-mfa-device", nullptr))));
    EXPECT_EQ(audit_one(in).verdict, Verdict::fail);

    // An IAM user named root-account-mfa-device owns that serial: not root's (pitfall a).
    in.virtual_listings.front() =
        listing(page(virtual_device(acct, "root-account-mfa-device",
                                    "arn:aws:iam::123456789012:user/root-account-mfa-device")));
    EXPECT_EQ(audit_one(in).verdict, Verdict::pass);
}

TEST(Audit, UserNamedLikeRootIsNotRoot) {
    AuditInput in;
    in.reports.push_back(report(header + root(acct, "true", "true")));
    in.virtual_listings.push_back(
        listing(page(virtual_device(acct, "rootadmin", "arn:aws:iam::123456789012:user/rootadmin") +
                     "," + virtual_device(acct, "spare", nullptr))));
    const auto a = audit_one(in);
    EXPECT_EQ(a.verdict, Verdict::pass);
    EXPECT_EQ(a.findings.front().status, Verdict::pass);
}

TEST(Audit, OtherPartitionRootArn) {
    AuditInput in;
    in.reports.push_back(report(header + "<root_account>,arn:aws-cn:iam::123456789012:root,true,"
                                         "true,false,N/A,false,N/A,false,false\n"));
    in.virtual_listings.push_back(listing(
        R"({"VirtualMFADevices": [{"SerialNumber": "arn:aws-cn:iam::123456789012:mfa/x",
            "User": {"Arn": "arn:aws-cn:iam::123456789012:root"}}]})"));
    EXPECT_EQ(audit_one(in).verdict, Verdict::fail);
}

TEST(Audit, PagesAreMergedAndTruncationIsIncomplete) {
    AuditInput in;
    in.reports.push_back(report(header + root(acct, "true", "true")));
    in.virtual_listings.push_back(
        listing(page(virtual_device(acct, "alice", "arn:aws:iam::123456789012:user/alice"), true),
                "p1.json"));
    EXPECT_EQ(audit_one(in).verdict, Verdict::incomplete);

    in.virtual_listings.push_back(listing(page(""), "p2.json"));  // the last page: complete
    const auto a = audit_one(in);
    EXPECT_EQ(a.verdict, Verdict::pass);
    EXPECT_EQ(a.files, (std::vector<std::string>{"r.csv", "p1.json", "p2.json"}));

    // A root device on a page after a truncated one is found: FAIL is conclusive.
    in.virtual_listings.back() =
        listing(page(virtual_device(acct, "x", "arn:aws:iam::123456789012:root"), true), "p2.json");
    EXPECT_EQ(audit_one(in).verdict, Verdict::fail);
}

TEST(Audit, NoCredentialsIsNotApplicable) {
    AuditInput in;
    in.reports.push_back(report(header + root(acct, "false", "false")));
    const auto a = audit_one(in);
    EXPECT_EQ(a.verdict, Verdict::not_applicable);
    EXPECT_NE(a.summary.find("no credentials"), std::string::npos);
}

// GovCloud reports show a root user, which has no console password, as not_supported.
TEST(Audit, PasswordNotSupportedWithNothingElseIsNoCredentials) {
    AuditInput in;
    in.reports.push_back(report(header + root(acct, "not_supported", "false")));
    const auto a = audit_one(in);
    EXPECT_EQ(a.verdict, Verdict::not_applicable) << a.summary;
    EXPECT_EQ(audit_exit_code(run_audit(in).value(), false), 0);
}

// Older commercial reports wrote not_supported for every root: a root whose password was used,
// or that has an MFA device, has a password to protect.
TEST(Audit, PasswordNotSupportedButUsedOrWithMfaIsStillAPassword) {
    const std::string with_last_used =
        "user,arn,password_enabled,password_last_used,mfa_active,access_key_1_active,"
        "cert_1_active\n";
    AuditInput used;
    used.reports.push_back(report(with_last_used + "<root_account>,arn:aws:iam::" + acct +
                                  ":root,not_supported,2026-11-02T08:15:00+00:00,false,false,"
                                  "false\n"));
    EXPECT_EQ(audit_one(used).verdict, Verdict::fail);
    AuditInput never_used;
    never_used.reports.push_back(report(with_last_used + "<root_account>,arn:aws:iam::" + acct +
                                        ":root,not_supported,no_information,false,false,false\n"));
    EXPECT_EQ(audit_one(never_used).verdict, Verdict::not_applicable);
    AuditInput mfa;
    mfa.reports.push_back(report(header + root(acct, "not_supported", "true")));
    EXPECT_EQ(audit_one(mfa).verdict, Verdict::incomplete);
}

// The library speaks AWS's terms: no option, flag or command of the hwtotp CLI in what it
// returns (the CLI adds its own follow-ups, see FollowUp).
TEST(Audit, ResultsAndErrorsNameNoCliOptionOrCommand) {
    const auto clean = [](const std::string& text) {
        return text.find("hwtotp") == std::string::npos &&
               text.find("--virtual-mfa") == std::string::npos &&
               text.find("--mfa-devices") == std::string::npos &&
               text.find("--credential-report") == std::string::npos;
    };
    const std::string users =
        "bob,arn:aws:iam::123456789012:user/bob,true,false,false,N/A,false,N/A,false,false\n";
    for (const char* mfa : {"false", "true"}) {
        AuditInput in;
        in.reports.push_back(report(header + root(acct, "true", mfa) + users));
        const auto a = audit_one(in);
        EXPECT_TRUE(clean(a.summary)) << a.summary;
        for (const auto& f : a.findings) {
            EXPECT_TRUE(clean(f.message)) << f.message;
            EXPECT_TRUE(clean(f.remediation)) << f.remediation;
            if (f.rule_id == "CIS-1.10" && f.status == Verdict::fail) {
                EXPECT_EQ(f.follow_up, FollowUp::enable_user_mfa);
                EXPECT_EQ(f.user, "bob");
            }
        }
        if (std::string(mfa) == "true") {
            EXPECT_EQ(a.findings.front().follow_up, FollowUp::give_virtual_listing);
        }
    }
    const auto none = run_audit(AuditInput{});
    ASSERT_FALSE(none.has_value());
    EXPECT_TRUE(clean(none.error().message)) << none.error().message;
    AuditInput wrong;
    wrong.reports.push_back(report(header + root(acct, "true", "true")));
    wrong.device_listings.push_back(listing(page(""), "v.json"));
    const auto r = run_audit(wrong);
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(clean(r.error().message)) << r.error().message;
    EXPECT_NE(r.error().message.find(
                  "v.json: this is list-virtual-mfa-devices output, not list-mfa-devices output"),
              std::string::npos)
        << r.error().message;
}

TEST(Audit, AnInactiveKeyIsACredential) {
    AuditInput in;
    in.reports.push_back(
        report(header + root(acct, "false", "false", "false", "2020-01-01T00:00:00+00:00")));
    const auto a = audit_one(in);
    EXPECT_EQ(a.verdict, Verdict::fail);
    ASSERT_GE(a.findings.size(), 2u);
    EXPECT_EQ(a.findings[1].rule_id, "CIS-1.4");
    EXPECT_EQ(a.findings[1].status, Verdict::fail);
    EXPECT_NE(a.findings[1].message.find("inactive"), std::string::npos);
}

TEST(Audit, RootAccessKeyAndConsoleUsers) {
    AuditInput in;
    in.reports.push_back(report(
        header + root(acct, "true", "true", "TRUE", "2020-01-01T00:00:00Z") +
        "alice,arn:aws:iam::123456789012:user/alice,true,false,false,N/A,false,N/A,false,false\n"
        "bob,arn:aws:iam::123456789012:user/bob,true,true,false,N/A,false,N/A,false,false\n"
        "bot,arn:aws:iam::123456789012:user/bot,false,false,true,N/A,false,N/A,false,false\n"));
    in.virtual_listings.push_back(listing(page("")));
    auto r = run_audit(in);
    ASSERT_TRUE(r.has_value());
    const auto& a = r->accounts.front();
    EXPECT_EQ(a.verdict, Verdict::pass);
    ASSERT_EQ(a.findings.size(), 3u);
    EXPECT_EQ(a.findings[1].rule_id, "CIS-1.4");
    EXPECT_EQ(a.findings[1].status, Verdict::fail);
    EXPECT_EQ(a.findings[1].severity, Severity::critical);
    EXPECT_EQ(a.findings[2].rule_id, "CIS-1.10");
    EXPECT_EQ(a.findings[2].status, Verdict::fail);
    EXPECT_NE(a.findings[2].message.find("alice"), std::string::npos);
    EXPECT_NE(a.findings[2].evidence.front().find("r.csv:3:"), std::string::npos);
    EXPECT_EQ(audit_exit_code(*r, false), 0);
    EXPECT_EQ(audit_exit_code(*r, true), 1);
}

TEST(Audit, ExitCodes) {
    AuditResult r;
    r.accounts.resize(2);
    r.accounts[0].verdict = Verdict::pass;
    r.accounts[1].verdict = Verdict::not_applicable;
    EXPECT_EQ(audit_exit_code(r, false), 0);
    r.accounts[1].verdict = Verdict::incomplete;
    EXPECT_EQ(audit_exit_code(r, false), 1);
    r.accounts[1].verdict = Verdict::fail;
    EXPECT_EQ(audit_exit_code(r, false), 1);
}

TEST(Audit, ListingOfAnotherAccountNamesBothFiles) {
    AuditInput in;
    in.reports.push_back(report(header + root(acct, "true", "true"), "report.csv"));
    in.virtual_listings.push_back(listing(
        page(virtual_device("999999999999", "x", "arn:aws:iam::999999999999:root")), "other.json"));
    const auto r = run_audit(in);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
    EXPECT_NE(r.error().message.find("other.json and report.csv: the files belong to different "
                                     "accounts"),
              std::string::npos)
        << r.error().message;
}

TEST(Audit, SeveralAccountsMatchedById) {
    AuditInput in;
    in.reports.push_back(report(header + root("111111111111", "true", "true"), "a.csv"));
    in.reports.push_back(report(header + root("222222222222", "true", "true"), "b.csv"));
    in.virtual_listings.push_back(listing(
        page(virtual_device("222222222222", "x", "arn:aws:iam::222222222222:root")), "vb.json"));
    in.virtual_listings.push_back(listing(
        page(virtual_device("111111111111", "y", "arn:aws:iam::111111111111:user/y")), "va.json"));
    in.virtual_listings.push_back(listing(page(""), "va2.json"));  // no ARN: follows va.json
    auto r = run_audit(in);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    ASSERT_EQ(r->accounts.size(), 2u);
    EXPECT_EQ(r->accounts[0].account_id, "111111111111");
    EXPECT_EQ(r->accounts[0].verdict, Verdict::pass);
    EXPECT_EQ(r->accounts[0].files, (std::vector<std::string>{"a.csv", "va.json", "va2.json"}));
    EXPECT_EQ(r->accounts[1].verdict, Verdict::fail);
    EXPECT_EQ(audit_exit_code(*r, false), 1);
}

TEST(Audit, SeveralAccountsErrors) {
    AuditInput in;
    in.reports.push_back(report(header + root("111111111111", "true", "true"), "a.csv"));
    in.reports.push_back(report(header + root("222222222222", "true", "true"), "b.csv"));
    in.virtual_listings.push_back(listing(page(""), "empty.json"));
    auto r = run_audit(in);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("empty.json: holds no ARN"), std::string::npos);

    in.virtual_listings.front() =
        listing(page(virtual_device("333333333333", "x", nullptr)), "c.json");
    r = run_audit(in);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("c.json: account 333333333333 has no credential report among "
                                     "a.csv, b.csv"),
              std::string::npos)
        << r.error().message;

    in.virtual_listings.clear();
    in.reports[1] = report(header + root("111111111111", "true", "true"), "b.csv");
    r = run_audit(in);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("b.csv: a second credential report for account"),
              std::string::npos);
}

TEST(Audit, ReportWithoutRootRow) {
    AuditInput in;
    in.reports.push_back(report(header, "r.csv"));
    const auto r = run_audit(in);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.csv: no <root_account> row"), std::string::npos);
}

TEST(Audit, WrongListingKind) {
    AuditInput in;
    in.reports.push_back(report(header + root(acct, "true", "true")));
    in.virtual_listings.push_back(listing(
        R"({"MFADevices": [{"UserName": "a", "SerialNumber": "GAKT12345678"}]})", "d.json"));
    const auto r = run_audit(in);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("d.json: this is list-mfa-devices output"), std::string::npos);
}

TEST(Audit, NoReports) {
    EXPECT_FALSE(run_audit(AuditInput{}).has_value());
}

TEST(Render, TextAndJson) {
    AuditInput in;
    in.reports.push_back(report(header + root(acct, "true", "false")));
    const auto r = run_audit(in);
    ASSERT_TRUE(r.has_value());
    const std::string text = render_audit_text(*r);
    EXPECT_NE(text.find("account 123456789012: FAIL"), std::string::npos) << text;
    EXPECT_NE(text.find("IAM-042"), std::string::npos);
    EXPECT_NE(text.find("fix: Enroll a hardware MFA token"), std::string::npos) << text;

    const auto doc = nlohmann::json::parse(render_audit_json(*r, false));
    EXPECT_EQ(doc["exit_code"], 1);
    ASSERT_EQ(doc["accounts"].size(), 1u);
    const auto& a = doc["accounts"][0];
    EXPECT_EQ(a["account_id"], acct);
    EXPECT_EQ(a["verdict"], "FAIL");
    EXPECT_EQ(a["files"][0], "r.csv");
    EXPECT_EQ(a["findings"][0]["rule_id"], "IAM-042");
    EXPECT_EQ(a["findings"][0]["severity"], "critical");
    EXPECT_EQ(a["findings"][0]["status"], "FAIL");
    EXPECT_TRUE(a["findings"][0]["evidence"].is_array());
    EXPECT_TRUE(a["findings"][0]["references"].is_array());
    EXPECT_EQ(a["findings"][0]["files"], nlohmann::json::array({"r.csv"}));
}

// write_audit_json streams what one nlohmann tree of the whole result dumped with indent 2
// gives, byte for byte: two accounts, empty and non-empty arrays, every field.
TEST(Render, StreamedJsonIsTheWholeDocumentDumped) {
    AuditInput in;
    in.reports.push_back(report(header + root("111111111111", "true", "false") +
                                    "bob,arn:aws:iam::111111111111:user/bob,true,false,false,N/A,"
                                    "false,N/A,false,false\n",
                                "a.csv"));
    in.reports.push_back(report(header + root("222222222222", "true", "true"), "b.csv"));
    const auto r = run_audit(in);
    ASSERT_TRUE(r.has_value());
    nlohmann::ordered_json accounts = nlohmann::ordered_json::array();
    for (const AccountAudit& account : r->accounts) {
        nlohmann::ordered_json findings = nlohmann::ordered_json::array();
        for (const Finding& f : account.findings) {
            findings.push_back({{"rule_id", f.rule_id},
                                {"severity", severity_name(f.severity)},
                                {"status", verdict_name(f.status)},
                                {"message", f.message},
                                {"evidence", f.evidence},
                                {"files", f.files},
                                {"remediation", f.remediation},
                                {"references", f.references}});
        }
        accounts.push_back({{"account_id", account.account_id},
                            {"verdict", verdict_name(account.verdict)},
                            {"summary", account.summary},
                            {"files", account.files},
                            {"findings", std::move(findings)}});
    }
    const nlohmann::ordered_json doc = {{"accounts", std::move(accounts)},
                                        {"exit_code", audit_exit_code(*r, true)}};
    EXPECT_EQ(render_audit_json(*r, true), doc.dump(2) + "\n");
    EXPECT_EQ(
        render_audit_json(AuditResult{}, false),
        nlohmann::ordered_json({{"accounts", nlohmann::ordered_json::array()}, {"exit_code", 0}})
                .dump(2) +
            "\n");
}

}  // namespace
}  // namespace hwtotp::aws::audit_test
