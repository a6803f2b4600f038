// Every file in vectors/aws through the library, with the verdict the rule gives for its data
// (reasoned from the rows and listings, see vectors/aws/README.md), and every bad file's message.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "hwtotp/aws/audit.h"

namespace hwtotp::aws {
namespace {

std::string slurp(const std::string& name) {
    std::ifstream in(std::string(HWTOTP_AWS_VECTORS) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in.good()) << name;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Scenario {
    const char* name;
    std::vector<const char*> reports;
    std::vector<const char*> virtual_pages;
    std::vector<const char*> device_pages;
    std::vector<Verdict> verdicts;  // per report, in order
    int exit_code;
    bool root_keys_fail = false;        // CIS-1.4 fails in the first account
    std::size_t users_without_mfa = 0;  // CIS-1.10 failures in the first account
};

void PrintTo(const Scenario& s, std::ostream* os) {
    *os << s.name;
}

Result<AuditResult> run(const Scenario& s) {
    AuditInput in;
    for (const char* f : s.reports) {
        auto r = parse_credential_report(slurp(f), f);
        if (!r)
            return tl::unexpected(r.error());
        in.reports.push_back(*r);
    }
    for (const char* f : s.virtual_pages) {
        auto p = parse_mfa_listing(slurp(f), f);
        if (!p)
            return tl::unexpected(p.error());
        in.virtual_listings.push_back(*p);
    }
    for (const char* f : s.device_pages) {
        auto p = parse_mfa_listing(slurp(f), f);
        if (!p)
            return tl::unexpected(p.error());
        in.device_listings.push_back(*p);
    }
    return run_audit(in);
}

class Vectors : public testing::TestWithParam<Scenario> {};

TEST_P(Vectors, Verdict) {
    const Scenario& s = GetParam();
    const auto r = run(s);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    ASSERT_EQ(r->accounts.size(), s.verdicts.size());
    for (std::size_t i = 0; i < s.verdicts.size(); ++i) {
        EXPECT_EQ(r->accounts[i].verdict, s.verdicts[i])
            << "account " << i << ": " << r->accounts[i].summary;
    }
    EXPECT_EQ(audit_exit_code(*r, false), s.exit_code);
    const auto& findings = r->accounts.front().findings;
    std::size_t user_failures = 0;
    bool keys_fail = false;
    for (const Finding& f : findings) {
        if (f.rule_id == "CIS-1.10" && f.status == Verdict::fail)
            ++user_failures;
        if (f.rule_id == "CIS-1.4" && f.status == Verdict::fail)
            keys_fail = true;
    }
    EXPECT_EQ(user_failures, s.users_without_mfa);
    EXPECT_EQ(keys_fail, s.root_keys_fail);
}

using V = Verdict;
INSTANTIATE_TEST_SUITE_P(
    Aws, Vectors,
    testing::Values(
        // mfa_active=false for root; bob has password_enabled=true, mfa_active=false.
        Scenario{"root_no_mfa_csv", {"root_no_mfa.csv"}, {}, {}, {V::fail}, 1, false, 1},
        Scenario{"root_no_mfa_json_v2", {"root_no_mfa.json"}, {}, {}, {V::fail}, 1, false, 1},
        // Root has MFA, a virtual device "my-phone" whose User.Arn is the root ARN.
        Scenario{"root_virtual_custom_name",
                 {"root_mfa.csv"},
                 {"virtual_root_custom_name.json"},
                 {},
                 {V::fail},
                 1},
        Scenario{"root_virtual_custom_name_json_v1",
                 {"root_mfa.json"},
                 {"virtual_root_custom_name.json"},
                 {},
                 {V::fail},
                 1},
        // Root has MFA; no virtual device is root's (rootadmin and a user named
        // root-account-mfa-device are IAM users): hardware.
        Scenario{"root_hardware", {"root_mfa.csv"}, {"virtual_hardware.json"}, {}, {V::pass}, 0},
        // Root has MFA and no listing: cannot tell.
        Scenario{"root_mfa_no_listing", {"root_mfa.csv"}, {}, {}, {V::incomplete}, 1},
        // No User block, serial mfa/root-account-mfa-device: the legacy root device.
        Scenario{
            "legacy_no_user", {"root_mfa.csv"}, {"virtual_legacy_no_user.json"}, {}, {V::fail}, 1},
        // Page 2 holds a device whose User.Arn is root.
        Scenario{"paginated_both_pages",
                 {"root_mfa.csv"},
                 {"virtual_page1.json", "virtual_page2.json"},
                 {},
                 {V::fail},
                 1},
        // Page 1 alone says IsTruncated: true and shows no root device.
        Scenario{"paginated_first_page_only",
                 {"root_mfa.csv"},
                 {"virtual_page1.json"},
                 {},
                 {V::incomplete},
                 1},
        // password_enabled=false, no keys, no certificates.
        Scenario{
            "root_no_credentials", {"root_no_credentials.csv"}, {}, {}, {V::not_applicable}, 0},
        // GovCloud: password_enabled=not_supported (no console password), never used, no MFA,
        // no keys, no certificates: nothing to protect.
        Scenario{"root_govcloud_no_password",
                 {"root_govcloud_no_password.csv"},
                 {},
                 {},
                 {V::not_applicable},
                 0},
        // Root has MFA, key 1 active and key 2 inactive but existing; empty virtual listing.
        Scenario{"root_access_keys",
                 {"root_access_keys.csv"},
                 {"virtual_empty.json"},
                 {},
                 {V::pass},
                 0,
                 true,
                 0},
        Scenario{"root_access_keys_json",
                 {"root_access_keys.json"},
                 {},
                 {},
                 {V::incomplete},
                 1,
                 true,
                 0},
        // CRLF, reordered and extra columns, TRUE/FALSE; carol: password, no MFA.
        Scenario{"crlf_reordered",
                 {"root_hardware_crlf_reordered.csv"},
                 {"virtual_555566667777.json"},
                 {"mfa_devices_555566667777.json"},
                 {V::pass},
                 0,
                 false,
                 1},
        // Two accounts: 111122223333 has no root MFA, 222233334444 has hardware.
        Scenario{"two_accounts",
                 {"root_no_mfa.csv", "root_mfa.json"},
                 {"virtual_hardware.json"},
                 {},
                 {V::fail, V::pass},
                 1,
                 false,
                 1},
        // Two accounts, both hardware; listings given in the other order.
        Scenario{"two_accounts_pass",
                 {"root_hardware_crlf_reordered.csv", "root_mfa.csv"},
                 {"virtual_hardware.json", "virtual_555566667777.json"},
                 {},
                 {V::pass, V::pass},
                 0,
                 false,
                 1}));

struct BadCase {
    const char* name;
    std::vector<const char*> reports;
    std::vector<const char*> virtual_pages;
    const char* message;  // a substring of the error
};
void PrintTo(const BadCase& s, std::ostream* os) {
    *os << s.name;
}

class BadVectors : public testing::TestWithParam<BadCase> {};

TEST_P(BadVectors, RefusedWithFileAndLine) {
    const BadCase& b = GetParam();
    const auto r = run(Scenario{b.name, b.reports, b.virtual_pages, {}, {}, 2});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
    EXPECT_NE(r.error().message.find(b.message), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Aws, BadVectors,
    testing::Values(
        BadCase{"truncated_csv", {"bad_truncated.csv"}, {}, "bad_truncated.csv:4: the row has"},
        BadCase{"truncated_csv_in_json",
                {"bad_truncated.json"},
                {},
                "bad_truncated.json: Content line 4: the row has"},
        BadCase{"no_mfa_active",
                {"bad_no_mfa_active.csv"},
                {},
                "bad_no_mfa_active.csv:1: the header has no mfa_active column"},
        BadCase{"bad_base64",
                {"bad_base64.json"},
                {},
                "bad_base64.json:2: field Content is not valid base64"},
        BadCase{"bad_report_format",
                {"bad_report_format.json"},
                {},
                "bad_report_format.json:3: field ReportFormat"},
        BadCase{"unclosed_quote",
                {"bad_unclosed_quote.csv"},
                {},
                "bad_unclosed_quote.csv:2: a quoted field is not closed"},
        BadCase{"not_a_listing",
                {"root_mfa.csv"},
                {"bad_not_listing.json"},
                "bad_not_listing.json: no VirtualMFADevices or MFADevices array"},
        BadCase{"json_truncated",
                {"root_mfa.csv"},
                {"bad_json_truncated.json"},
                "bad_json_truncated.json:"},
        BadCase{"other_account",
                {"root_mfa.csv"},
                {"bad_other_account_virtual.json"},
                "bad_other_account_virtual.json and root_mfa.csv: the files belong to different "
                "accounts (999988887777 in the listing, 222233334444 in the report)"},
        BadCase{"report_as_listing",
                {"root_mfa.csv"},
                {"root_mfa.json"},
                "root_mfa.json: no VirtualMFADevices or MFADevices array"}));

}  // namespace
}  // namespace hwtotp::aws
