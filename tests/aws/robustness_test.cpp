// Damaged input never crashes, throws or aborts: every prefix of every vector, and every byte of
// it replaced by a few troublesome values, goes through both parsers and the audit, and each
// outcome is a value or an Error naming the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hwtotp/aws/audit.h"

namespace hwtotp::aws {
namespace {

std::vector<std::pair<std::string, std::string>> vector_files() {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& entry : std::filesystem::directory_iterator(HWTOTP_AWS_VECTORS)) {
        const auto ext = entry.path().extension();
        if (ext != ".csv" && ext != ".json")
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        files.emplace_back(entry.path().filename().string(), s.str());
    }
    return files;
}

void exercise(const std::string& text) {
    const auto report = parse_credential_report(text, "f");
    if (!report) {
        ASSERT_EQ(report.error().message.rfind("f", 0), 0u) << report.error().message;
    }
    const auto page = parse_mfa_listing(text, "f");
    if (!page) {
        ASSERT_EQ(page.error().message.rfind("f", 0), 0u) << page.error().message;
    }
    if (report && page) {
        AuditInput in;
        in.reports.push_back(*report);
        if (page->kind == ListingKind::virtual_devices)
            in.virtual_listings.push_back(*page);
        else
            in.device_listings.push_back(*page);
        const auto r = run_audit(in);
        if (r) {
            (void)render_audit_text(*r);
            (void)render_audit_json(*r, true);
        }
    }
}

TEST(Robustness, EveryPrefix) {
    const auto files = vector_files();
    ASSERT_GT(files.size(), 10u);
    for (const auto& [name, text] : files) {
        SCOPED_TRACE(name);
        for (std::size_t n = 0; n <= text.size(); ++n)
            ASSERT_NO_THROW(exercise(text.substr(0, n))) << n;
    }
}

TEST(Robustness, EveryByteReplaced) {
    const char replacements[] = {'"', ',', '\xff'};
    for (const auto& [name, text] : vector_files()) {
        SCOPED_TRACE(name);
        for (std::size_t i = 0; i < text.size(); ++i) {
            for (const char c : replacements) {
                std::string damaged = text;
                damaged[i] = c;
                ASSERT_NO_THROW(exercise(damaged)) << i;
            }
        }
    }
}

TEST(Robustness, ReportRowsWithHostileValues) {
    const std::string header = "user,arn,password_enabled,mfa_active\n";
    AuditInput in;
    auto r = parse_credential_report(
        header +
            "<root_account>,arn:aws:iam::123456789012:root,true,true\n"
            "\"\xff\xfe bad utf8\",arn:aws:iam::123456789012:user/x,true,false\n",
        "f.csv");
    ASSERT_TRUE(r.has_value());
    in.reports.push_back(*r);
    const auto result = run_audit(in);
    ASSERT_TRUE(result.has_value());
    EXPECT_NO_THROW((void)render_audit_json(*result, false));
}

}  // namespace
}  // namespace hwtotp::aws
