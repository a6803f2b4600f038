#include "hwtotp/aws/audit.h"

#include <algorithm>
#include <map>

#include "hwtotp/aws/audit_arn.h"

namespace hwtotp::aws {
namespace {

const std::vector<std::string> refs_root_hardware = {
    "Trend Micro Conformity IAM-042 Hardware MFA for AWS Root Account",
    "CIS AWS Foundations Benchmark 1.6 (v1.3.0-v4.0.0; 1.14 in v1.2.0, 1.5 in v5.0.0)",
    "AWS Security Hub IAM.6 / AWS Config root-account-hardware-mfa-enabled",
};
const std::vector<std::string> refs_root_keys = {
    "CIS AWS Foundations Benchmark 1.4 (v1.4.0-v3.0.0) Ensure no 'root' user account access key "
    "exists",
    "AWS Security Hub IAM.4 IAM root user access key should not exist",
};
const std::vector<std::string> refs_user_mfa = {
    "CIS AWS Foundations Benchmark 1.10 (v1.4.0-v3.0.0; 1.2 in v1.2.0, 1.9 in v5.0.0) Ensure MFA "
    "is enabled for all IAM users that have a console password",
    "AWS Security Hub IAM.5 MFA should be enabled for all IAM users that have a console password",
};

std::string_view flag_text(Flag flag) {
    switch (flag) {
        case Flag::yes:
            return "true";
        case Flag::no:
            return "false";
        case Flag::not_supported:
            return "not_supported";
        case Flag::not_applicable:
            return "N/A";
        case Flag::absent:
            break;
    }
    return "(no column)";
}

std::string row_location(const CredentialReport& report, const CredentialRow& row) {
    if (report.json_wrapped)
        return report.file + " (Content line " + std::to_string(row.line) + ")";
    return report.file + ":" + std::to_string(row.line);
}

std::string root_evidence(const CredentialReport& report, const CredentialRow& root) {
    return row_location(report, root) + ": <root_account> " + root.arn +
           " mfa_active=" + std::string(flag_text(root.mfa_active)) +
           " password_enabled=" + std::string(flag_text(root.password_enabled)) +
           " access_key_1_active=" + std::string(flag_text(root.access_key_1_active)) +
           " access_key_2_active=" + std::string(flag_text(root.access_key_2_active)) +
           " cert_1_active=" + std::string(flag_text(root.cert_1_active)) +
           " cert_2_active=" + std::string(flag_text(root.cert_2_active));
}

bool key_exists(Flag active, const Instant& last_rotated) {
    return active == Flag::yes || last_rotated.kind == Instant::Kind::time;
}

// Whether root has a console password. `not_supported` is what AWS GovCloud reports write for
// a root user that has none (GovCloud root cannot sign in). Older commercial reports wrote it
// for every root, password or not: there a password last used, or an MFA device (which only a
// console sign-in uses), still counts as a password, so that such a root is audited rather
// than waved through as having no credentials.
bool root_has_password(const CredentialRow& root) {
    switch (root.password_enabled) {
        case Flag::no:
            return false;
        case Flag::not_supported:
            return root.password_last_used.kind == Instant::Kind::time ||
                   root.mfa_active == Flag::yes;
        case Flag::yes:
        case Flag::not_applicable:
        case Flag::absent:
            break;
    }
    return true;
}

// The pages of one listing kind that belong to one account, in the order given.
struct AccountPages {
    std::vector<const MfaListingPage*> virtual_pages;
    std::vector<const MfaListingPage*> device_pages;
};

struct RootVirtualDevice {
    std::string evidence;
    std::string serial;
};

std::vector<RootVirtualDevice> root_virtual_devices(const AccountPages& pages) {
    std::vector<RootVirtualDevice> found;
    for (const MfaListingPage* page : pages.virtual_pages) {
        for (std::size_t i = 0; i < page->devices.size(); ++i) {
            const MfaDevice& d = page->devices[i];
            const std::string where =
                page->file + ": VirtualMFADevices[" + std::to_string(i) + "] ";
            if (d.user_arn) {
                if (is_root_arn(*d.user_arn)) {
                    found.push_back({where + "SerialNumber=" + d.serial_number +
                                         " User.Arn=" + *d.user_arn + " (the root user)",
                                     d.serial_number});
                }
            } else if (is_legacy_root_virtual_serial(d.serial_number)) {
                found.push_back({where + "SerialNumber=" + d.serial_number +
                                     " has no User block; the serial is the one the console "
                                     "gives root's virtual device",
                                 d.serial_number});
            }
        }
    }
    // A user listing (list-mfa-devices) run as root shows root's devices; only the legacy root
    // serial identifies a virtual one as root's without knowing whose listing it is.
    for (const MfaListingPage* page : pages.device_pages) {
        for (std::size_t i = 0; i < page->devices.size(); ++i) {
            const MfaDevice& d = page->devices[i];
            if (is_legacy_root_virtual_serial(d.serial_number)) {
                found.push_back({page->file + ": MFADevices[" + std::to_string(i) +
                                     "] SerialNumber=" + d.serial_number,
                                 d.serial_number});
            }
        }
    }
    return found;
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

const char* shape_text(const std::string& serial) {
    switch (serial_shape(serial)) {
        case SerialShape::hardware_totp:
            return "hardware TOTP token";
        case SerialShape::virtual_arn:
            return "virtual device";
        case SerialShape::fido_arn:
            return "FIDO security key";
        case SerialShape::other:
            break;
    }
    return "device";
}

// What the IAM-042 verdict is decided from, besides root's row.
struct RootFacts {
    bool no_credentials = false;  // no password, no access key, no signing certificate
    std::vector<RootVirtualDevice> root_virtual;
    std::size_t listed = 0;  // devices on the virtual listing's pages
    bool truncated = false;  // the last virtual page says more follow
};

RootFacts root_facts(const CredentialRow& root, const AccountPages& pages) {
    RootFacts facts;
    facts.no_credentials = !root_has_password(root) &&
                           !key_exists(root.access_key_1_active, root.access_key_1_last_rotated) &&
                           !key_exists(root.access_key_2_active, root.access_key_2_last_rotated) &&
                           root.cert_1_active != Flag::yes && root.cert_2_active != Flag::yes;
    facts.root_virtual = root_virtual_devices(pages);
    for (const auto* p : pages.virtual_pages)
        facts.listed += p->devices.size();
    facts.truncated = !pages.virtual_pages.empty() && pages.virtual_pages.back()->is_truncated;
    return facts;
}

// The evidence lines of the listings: root's virtual devices, a summary of the virtual pages,
// and every device of a user listing.
void add_listing_evidence(const AccountPages& pages, const RootFacts& facts, Finding& main) {
    for (const auto& d : facts.root_virtual)
        main.evidence.push_back(d.evidence);
    if (!pages.virtual_pages.empty()) {
        main.evidence.push_back(
            "list-virtual-mfa-devices: " + plural(pages.virtual_pages.size(), "page", "pages") +
            ", " + plural(facts.listed, "device", "devices") + " listed" +
            (facts.truncated
                 ? ", last page " + pages.virtual_pages.back()->file + " IsTruncated: true"
                 : ", complete"));
    }
    for (const auto* p : pages.device_pages) {
        for (std::size_t i = 0; i < p->devices.size(); ++i) {
            const MfaDevice& d = p->devices[i];
            main.evidence.push_back(p->file + ": MFADevices[" + std::to_string(i) + "] " +
                                    d.serial_number + " (" + shape_text(d.serial_number) + ")" +
                                    (d.user_name ? " UserName=" + *d.user_name : ""));
        }
    }
}

// Root hardware MFA (IAM-042): the account's verdict and summary, and what to do about it.
void judge_root_mfa(const CredentialRow& root, const AccountPages& pages, const RootFacts& facts,
                    AccountAudit& account, Finding& main) {
    const std::string enroll_hint =
        "Enroll a hardware MFA token for the root user in the console (root MFA cannot be set "
        "through the API).";
    if (facts.no_credentials) {
        account.verdict = Verdict::not_applicable;
        account.summary =
            "root has no credentials (no password, no access key, no signing certificate): "
            "nothing to protect with MFA (AWS Config reports NOT_APPLICABLE)";
        if (!facts.root_virtual.empty()) {
            account.summary += "; a virtual MFA device is still assigned to root";
            main.remediation = "Deactivate and delete the root virtual MFA device " +
                               facts.root_virtual.front().serial + ".";
        }
    } else if (root.mfa_active != Flag::yes) {
        account.verdict = Verdict::fail;
        account.summary = "root has no MFA device (mfa_active is " +
                          std::string(flag_text(root.mfa_active)) + ")";
        main.remediation = enroll_hint;
        main.follow_up = FollowUp::enroll_root_hardware_token;
    } else if (!facts.root_virtual.empty()) {
        account.verdict = Verdict::fail;
        account.summary = "root uses a virtual MFA device (" + facts.root_virtual.front().serial +
                          "), not a hardware one";
        main.remediation = enroll_hint +
                           " Then deactivate and delete the root virtual MFA device " +
                           facts.root_virtual.front().serial + ".";
        main.follow_up = FollowUp::enroll_root_hardware_token;
    } else if (pages.virtual_pages.empty()) {
        account.verdict = Verdict::incomplete;
        account.summary =
            "root has MFA; cannot tell hardware from virtual without list-virtual-mfa-devices "
            "output";
        main.remediation =
            "Run `aws iam list-virtual-mfa-devices > virtual.json` in this account and audit "
            "again with that listing.";
        main.follow_up = FollowUp::give_virtual_listing;
    } else if (facts.truncated) {
        account.verdict = Verdict::incomplete;
        account.summary =
            "root has MFA, but the virtual MFA listing is incomplete: the last page "
            "given (" +
            pages.virtual_pages.back()->file +
            ") says more pages follow, and no page given assigns a device to root";
        main.remediation =
            "Give every page of list-virtual-mfa-devices (the AWS CLI fetches them all unless "
            "--max-items or --no-paginate is used).";
    } else {
        account.verdict = Verdict::pass;
        account.summary = std::string("root has MFA and ") +
                          (facts.listed == 0 ? "the account has no virtual MFA device"
                                             : "none of the " +
                                                   plural(facts.listed, "virtual MFA device",
                                                          "virtual MFA devices") +
                                                   " listed is assigned to root") +
                          ", so root's MFA is not virtual (a hardware TOTP token or FIDO key)";
    }
}

Finding root_mfa_finding(const CredentialReport& report, const AccountPages& pages,
                         AccountAudit& account) {
    const CredentialRow& root = *report.root();
    Finding main;
    main.rule_id = std::string(rule_root_hardware_mfa);
    main.severity = Severity::critical;
    main.references = refs_root_hardware;
    main.evidence.push_back(root_evidence(report, root));
    const RootFacts facts = root_facts(root, pages);
    add_listing_evidence(pages, facts, main);
    judge_root_mfa(root, pages, facts, account, main);
    main.message = account.summary;
    main.files = account.files;
    return main;
}

// CIS 1.4: root access keys.
Finding root_keys_finding(const CredentialReport& report) {
    const CredentialRow& root = *report.root();
    Finding keys;
    keys.rule_id = std::string(rule_root_access_keys);
    keys.severity = Severity::critical;
    keys.references = refs_root_keys;
    keys.files.push_back(report.file);
    const bool key1 = key_exists(root.access_key_1_active, root.access_key_1_last_rotated);
    const bool key2 = key_exists(root.access_key_2_active, root.access_key_2_last_rotated);
    keys.status = key1 || key2 ? Verdict::fail : Verdict::pass;
    if (key1 || key2) {
        const bool any_active =
            root.access_key_1_active == Flag::yes || root.access_key_2_active == Flag::yes;
        keys.message = std::string("the root user has ") +
                       (key1 && key2 ? "two access keys" : "an access key") +
                       (any_active ? "" : " (inactive, but it exists)");
        keys.remediation =
            "Delete the root access keys (console: root user > Security credentials > Access "
            "keys); use IAM roles or users for programmatic access.";
    } else {
        keys.message = "the root user has no access key";
    }
    keys.evidence.push_back(
        row_location(report, root) +
        ": <root_account> access_key_1_active=" + std::string(flag_text(root.access_key_1_active)) +
        " access_key_2_active=" + std::string(flag_text(root.access_key_2_active)));
    return keys;
}

Finding console_user_finding(const CredentialReport& report, const CredentialRow& row) {
    Finding user;
    user.rule_id = std::string(rule_console_user_mfa);
    user.severity = Severity::medium;
    user.status = Verdict::fail;
    user.references = refs_user_mfa;
    user.files.push_back(report.file);
    user.message = "IAM user " + row.user + " has a console password and no MFA";
    user.evidence.push_back(
        row_location(report, row) + ": " + row.user + " " + row.arn +
        " password_enabled=true mfa_active=" + std::string(flag_text(row.mfa_active)));
    user.remediation =
        "Enable MFA for " + row.user + ", or remove the console password if it is not needed.";
    user.follow_up = FollowUp::enable_user_mfa;
    user.user = row.user;
    return user;
}

// CIS 1.10: one failing finding per IAM user with a console password and no MFA, or one
// passing finding when there is none.
void add_console_user_findings(const CredentialReport& report, std::vector<Finding>& findings) {
    std::size_t console_users = 0;
    bool any_failed = false;
    for (const CredentialRow& row : report.rows) {
        if (row.is_root() || row.password_enabled != Flag::yes)
            continue;
        ++console_users;
        if (row.mfa_active == Flag::yes)
            continue;
        findings.push_back(console_user_finding(report, row));
        any_failed = true;
    }
    if (any_failed)
        return;
    Finding users;
    users.rule_id = std::string(rule_console_user_mfa);
    users.severity = Severity::medium;
    users.references = refs_user_mfa;
    users.files.push_back(report.file);
    users.message = console_users == 0 ? "no IAM user has a console password"
                                       : "every IAM user with a console password has MFA (" +
                                             plural(console_users, "user", "users") + ")";
    findings.push_back(std::move(users));
}

AccountAudit audit_account(const CredentialReport& report, const AccountPages& pages) {
    AccountAudit account;
    account.account_id = report.account_id;
    account.files.push_back(report.file);
    for (const auto* p : pages.virtual_pages)
        account.files.push_back(p->file);
    for (const auto* p : pages.device_pages)
        account.files.push_back(p->file);
    account.findings.push_back(root_mfa_finding(report, pages, account));
    account.findings.push_back(root_keys_finding(report));
    add_console_user_findings(report, account.findings);
    account.findings.front().status = account.verdict;
    return account;
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
    switch (verdict) {
        case Verdict::pass:
            return "PASS";
        case Verdict::fail:
            return "FAIL";
        case Verdict::incomplete:
            return "INCOMPLETE";
        case Verdict::not_applicable:
            return "NOT_APPLICABLE";
    }
    return "INCOMPLETE";
}

std::string_view severity_name(Severity severity) {
    switch (severity) {
        case Severity::info:
            return "info";
        case Severity::low:
            return "low";
        case Severity::medium:
            return "medium";
        case Severity::high:
            return "high";
        case Severity::critical:
            return "critical";
    }
    return "info";
}

std::string_view listing_command(ListingKind kind) {
    return kind == ListingKind::virtual_devices ? "list-virtual-mfa-devices" : "list-mfa-devices";
}

Result<AuditResult> run_audit(const AuditInput& input) {
    if (input.reports.empty()) {
        return fail(ErrorCode::invalid_input,
                    "no credential report given (an audit needs one per account)");
    }
    std::map<std::string, std::size_t> by_account;
    for (std::size_t i = 0; i < input.reports.size(); ++i) {
        const CredentialReport& report = input.reports[i];
        if (report.root() == nullptr) {
            return fail(ErrorCode::invalid_input,
                        report.file + ": no <root_account> row: not a complete credential report");
        }
        const auto [it, inserted] = by_account.emplace(report.account_id, i);
        if (!inserted) {
            return fail(ErrorCode::invalid_input, report.file +
                                                      ": a second credential report for account " +
                                                      report.account_id + " (the first is " +
                                                      input.reports[it->second].file + ")");
        }
    }

    std::vector<AccountPages> pages(input.reports.size());
    auto assign = [&](const std::vector<MfaListingPage>& listing,
                      ListingKind kind) -> Result<bool> {
        std::optional<std::size_t> previous;  // account of the previous page of this listing
        for (const MfaListingPage& page : listing) {
            if (page.kind != kind) {
                return fail(ErrorCode::invalid_input,
                            page.file + ": this is " + std::string(listing_command(page.kind)) +
                                " output, not " + std::string(listing_command(kind)) + " output");
            }
            std::size_t target = 0;
            if (!page.account_id.empty()) {
                const auto it = by_account.find(page.account_id);
                if (it == by_account.end()) {
                    if (input.reports.size() == 1) {
                        return fail(ErrorCode::invalid_input,
                                    page.file + " and " + input.reports.front().file +
                                        ": the files belong to different accounts (" +
                                        page.account_id + " in the listing, " +
                                        input.reports.front().account_id + " in the report)");
                    }
                    std::string files;
                    for (const auto& r : input.reports)
                        files += (files.empty() ? "" : ", ") + r.file;
                    return fail(ErrorCode::invalid_input,
                                page.file + ": account " + page.account_id +
                                    " has no credential report among " + files +
                                    " (the files belong to different accounts)");
                }
                target = it->second;
            } else if (input.reports.size() == 1) {
                target = 0;
            } else if (previous) {
                target = *previous;  // a later page with no ARN (e.g. an empty last page)
            } else {
                return fail(ErrorCode::invalid_input,
                            page.file +
                                ": holds no ARN, so its account cannot be told among several "
                                "reports; audit that account on its own");
            }
            previous = target;
            auto& list = kind == ListingKind::virtual_devices ? pages[target].virtual_pages
                                                              : pages[target].device_pages;
            list.push_back(&page);
        }
        return true;
    };
    HWTOTP_TRY(assign(input.virtual_listings, ListingKind::virtual_devices));
    HWTOTP_TRY(assign(input.device_listings, ListingKind::user_devices));

    AuditResult result;
    for (std::size_t i = 0; i < input.reports.size(); ++i)
        result.accounts.push_back(audit_account(input.reports[i], pages[i]));
    return result;
}

int audit_exit_code(const AuditResult& result, bool strict) {
    for (const AccountAudit& account : result.accounts) {
        if (account.verdict == Verdict::fail || account.verdict == Verdict::incomplete)
            return 1;
        if (strict) {
            for (const Finding& f : account.findings) {
                if (f.status == Verdict::fail)
                    return 1;
            }
        }
    }
    return 0;
}

}  // namespace hwtotp::aws
