// The credential report: values, columns by name, the JSON wrapper, and messages for bad input.
#include <gtest/gtest.h>

#include "hwtotp/aws/credential_report.h"

// Its own namespace: the unity build compiles several test files as one unit, where
// file-local names (params, year, serial) of two files would collide.
namespace hwtotp::aws::credential_report_test {
namespace {

const std::string header =
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n";
// The root row of the facts file's fixture, with a real 12-digit account id.
const std::string root_row =
    "<root_account>,arn:aws:iam::123456789012:root,2017-06-10T02:35:07+00:00,not_supported,"
    "2017-10-22T08:11:09+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,"
    "N/A,N/A,N/A,false,N/A,false,N/A\n";

struct FlagCase {
    const char* text;
    std::optional<Flag> flag;
};
class FlagValues : public testing::TestWithParam<FlagCase> {};
TEST_P(FlagValues, Parse) {
    EXPECT_EQ(parse_flag(GetParam().text), GetParam().flag) << GetParam().text;
}
INSTANTIATE_TEST_SUITE_P(
    Vocabulary, FlagValues,
    testing::Values(FlagCase{"true", Flag::yes}, FlagCase{"TRUE", Flag::yes},
                    FlagCase{"True", Flag::yes}, FlagCase{"false", Flag::no},
                    FlagCase{"FALSE", Flag::no}, FlagCase{"N/A", Flag::not_applicable},
                    FlagCase{"n/a", Flag::not_applicable},
                    FlagCase{"not_supported", Flag::not_supported},
                    FlagCase{"NOT_SUPPORTED", Flag::not_supported}, FlagCase{" true ", Flag::yes},
                    FlagCase{"yes", std::nullopt}, FlagCase{"1", std::nullopt},
                    FlagCase{"", std::nullopt}, FlagCase{"truex", std::nullopt}));

TEST(Instant, Vocabulary) {
    EXPECT_EQ(parse_instant("N/A")->kind, Instant::Kind::not_applicable);
    EXPECT_EQ(parse_instant("no_information")->kind, Instant::Kind::no_information);
    EXPECT_EQ(parse_instant("not_supported")->kind, Instant::Kind::not_supported);
    EXPECT_FALSE(parse_instant("yesterday").has_value());
    EXPECT_FALSE(parse_instant("").has_value());
    EXPECT_FALSE(parse_instant("1700000000").has_value());  // Unix seconds are not report values
    EXPECT_FALSE(parse_instant("2016-09-09").has_value());  // a time of day is required
    EXPECT_FALSE(parse_instant("2016-13-09T20:00:00Z").has_value());
}

TEST(Instant, CliV1AndV2FormatsAgree) {
    const std::int64_t expected = 1473451200;  // 2016-09-09T20:00:00Z
    for (const char* text : {"2016-09-09T20:00:00Z", "2016-09-09T20:00:00+00:00",
                             "2016-09-09T20:00:00.000000+00:00", "2016-09-09T21:00:00+01:00"}) {
        const auto t = parse_instant(text);
        ASSERT_TRUE(t.has_value()) << text;
        EXPECT_EQ(t->kind, Instant::Kind::time);
        EXPECT_EQ(t->unix_seconds, expected) << text;
    }
}

TEST(Report, ParsesTheFactsFixtureRow) {
    const auto r = parse_credential_report(header + root_row, "r.csv");
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->account_id, "123456789012");
    ASSERT_NE(r->root(), nullptr);
    EXPECT_EQ(r->root()->line, 2u);
    EXPECT_EQ(r->root()->mfa_active, Flag::yes);
    EXPECT_EQ(r->root()->password_enabled, Flag::not_supported);
    EXPECT_EQ(r->root()->access_key_1_active, Flag::no);
    EXPECT_EQ(r->root()->access_key_1_last_rotated.kind, Instant::Kind::not_applicable);
    EXPECT_EQ(r->root()->password_last_used.kind, Instant::Kind::time);
    EXPECT_FALSE(r->json_wrapped);
}

TEST(Report, ColumnsByNameInAnyOrderWithExtras) {
    const std::string csv =
        "Extra,MFA_Active,arn,password_enabled,user\r\n"
        "\"x, \"\"y\"\"\",false,arn:aws:iam::123456789012:root,false,<root_account>\r\n"
        "z,TRUE,arn:aws:iam::123456789012:user/u,TRUE,u\r\n";
    const auto r = parse_credential_report(csv, "r.csv");
    ASSERT_TRUE(r.has_value()) << r.error().message;
    ASSERT_EQ(r->rows.size(), 2u);
    EXPECT_EQ(r->rows[0].mfa_active, Flag::no);
    EXPECT_EQ(r->rows[0].password_enabled, Flag::no);
    EXPECT_EQ(r->rows[0].access_key_1_active, Flag::absent);
    EXPECT_EQ(r->rows[1].user, "u");
    EXPECT_EQ(r->rows[1].mfa_active, Flag::yes);
}

TEST(Report, MissingMfaActiveColumn) {
    const auto r = parse_credential_report("user,arn,password_enabled\n", "r.csv");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
    EXPECT_NE(r.error().message.find("r.csv:1: the header has no mfa_active column"),
              std::string::npos)
        << r.error().message;
}

TEST(Report, TruncatedRowNamesLineAndCounts) {
    std::string cut = root_row.substr(0, root_row.size() - 20);
    const auto r = parse_credential_report(header + root_row + cut, "r.csv");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.csv:3: the row has"), std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("header has 22"), std::string::npos);
    EXPECT_NE(r.error().message.find("truncated"), std::string::npos);
}

TEST(Report, BadBooleanNamesColumn) {
    std::string row = root_row;
    row.replace(row.find(",true,false,"), 12, ",maybe,false,");
    const auto r = parse_credential_report(header + row, "r.csv");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.csv:2: column mfa_active: 'maybe'"), std::string::npos)
        << r.error().message;
}

TEST(Report, BadTimeNamesColumn) {
    std::string row = root_row;
    row.replace(row.find("2017-06-10T02:35:07+00:00"), 25, "last tuesday");
    const auto r = parse_credential_report(header + row, "r.csv");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.csv:2: column user_creation_time"), std::string::npos)
        << r.error().message;
}

TEST(Report, RootArnMustBeARootArn) {
    std::string row = root_row;
    row.replace(row.find("123456789012"), 12, "fakearn");
    const auto r = parse_credential_report(header + row, "r.csv");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.csv:2: column arn"), std::string::npos)
        << r.error().message;
}

TEST(Report, SecondRootRowRefused) {
    const auto r = parse_credential_report(header + root_row + root_row, "r.csv");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.csv:3: a second <root_account> row"), std::string::npos);
}

TEST(Report, EmptyFileRefused) {
    const auto r = parse_credential_report("\n\n", "r.csv");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.csv"), std::string::npos);
}

TEST(Report, NoRootRowParses) {
    const auto r = parse_credential_report(header, "r.csv");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->root(), nullptr);
    EXPECT_TRUE(r->account_id.empty());
}

// "user,arn,password_enabled,mfa_active\n<root_account>,arn:aws:iam::123456789012:root,
// not_supported,true\nbob,arn:aws:iam::123456789012:user/bob,true\n" (the last row is short).
const std::string short_csv_b64 =
    "dXNlcixhcm4scGFzc3dvcmRfZW5hYmxlZCxtZmFfYWN0aXZlCjxyb290X2FjY291bnQ+LGFybjphd3M6aWFtOjox"
    "MjM0NTY3ODkwMTI6cm9vdCxub3Rfc3VwcG9ydGVkLHRydWUKYm9iLGFybjphd3M6aWFtOjoxMjM0NTY3ODkwMTI6"
    "dXNlci9ib2IsdHJ1ZQo=";
// The first two lines of the above only.
const std::string good_csv_b64 =
    "dXNlcixhcm4scGFzc3dvcmRfZW5hYmxlZCxtZmFfYWN0aXZlCjxyb290X2FjY291bnQ+LGFybjphd3M6aWFtOjox"
    "MjM0NTY3ODkwMTI6cm9vdCxub3Rfc3VwcG9ydGVkLHRydWUK";

TEST(ReportJson, DecodesContent) {
    const std::string json = "{\n  \"Content\": \"" + good_csv_b64 +
                             "\",\n  \"ReportFormat\": \"text/csv\",\n  \"GeneratedTime\": "
                             "\"2026-11-23T09:00:00Z\"\n}\n";
    const auto r = parse_credential_report(json, "r.json");
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_TRUE(r->json_wrapped);
    EXPECT_EQ(r->generated_time, "2026-11-23T09:00:00Z");
    EXPECT_EQ(r->account_id, "123456789012");
    EXPECT_EQ(r->root()->mfa_active, Flag::yes);
}

TEST(ReportJson, ErrorsInsideContentNameTheDecodedLine) {
    const std::string json = "{\"Content\": \"" + short_csv_b64 + "\"}";
    const auto r = parse_credential_report(json, "r.json");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.json: Content line 3: the row has 3 fields"),
              std::string::npos)
        << r.error().message;
}

TEST(ReportJson, BadBase64NamesFileLineAndField) {
    const auto r = parse_credential_report(
        "{\n  \"ReportFormat\": \"text/csv\",\n  \"Content\": \"***\"\n}", "r.json");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.json:3: field Content is not valid base64"),
              std::string::npos)
        << r.error().message;
}

TEST(ReportJson, WrongReportFormat) {
    const auto r = parse_credential_report(
        "{\"Content\": \"" + good_csv_b64 + "\",\n\"ReportFormat\": \"text/html\"}", "r.json");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.json:2: field ReportFormat"), std::string::npos)
        << r.error().message;
}

TEST(ReportJson, MissingContent) {
    const auto r = parse_credential_report(
        "{\"GeneratedTime\": \"2015-06-17T19:11:50Z\", \"ReportFormat\": \"text/csv\"}", "r.json");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.json: field Content"), std::string::npos);
}

TEST(ReportJson, ListingGivenAsReport) {
    const auto r = parse_credential_report("{\"VirtualMFADevices\": []}", "v.json");
    ASSERT_FALSE(r.has_value());
    // In the report's own terms: which option takes a listing is the CLI's to say.
    EXPECT_NE(r.error().message.find("this is an MFA device listing, not a credential report"),
              std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find("--"), std::string::npos) << r.error().message;
}

TEST(ReportJson, SyntaxErrorNamesLine) {
    const auto r = parse_credential_report("{\n  \"Content\": \"abc\",\n  \"Repo", "r.json");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.json:3: not valid JSON"), std::string::npos)
        << r.error().message;
}

TEST(ReportJson, NotAnObject) {
    // '[' is not '{', so this is read as CSV and refused for its header.
    const auto r = parse_credential_report("[1,2]", "r.json");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("r.json:1:"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace hwtotp::aws::credential_report_test
