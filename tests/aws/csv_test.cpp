// RFC 4180 record splitting as the credential report needs it.
#include <gtest/gtest.h>

#include "credential_report_csv.h"

namespace hwtotp::aws::detail {
namespace {

std::string namer(std::size_t line) {
    return "f.csv:" + std::to_string(line);
}

std::vector<CsvRecord> records(std::string_view text) {
    auto r = parse_csv_records(text, namer);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? *r : std::vector<CsvRecord>{};
}

TEST(Csv, PlainFieldsAndLines) {
    const auto r = records("a,b,c\n1,2,3\n");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].fields, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(r[1].fields, (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_EQ(r[1].line, 2u);
}

TEST(Csv, NoFinalLineEnd) {
    const auto r = records("a,b\n1,2");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[1].fields, (std::vector<std::string>{"1", "2"}));
}

TEST(Csv, CrlfLineEnds) {
    const auto r = records("a,b\r\n1,2\r\n");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].fields, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(r[1].fields, (std::vector<std::string>{"1", "2"}));
}

TEST(Csv, CrlfWithoutFinalLf) {
    const auto r = records("a,b\r\n1,2\r");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[1].fields[1], "2");
}

TEST(Csv, QuotedCommaAndDoubledQuote) {
    const auto r = records("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[1].fields[0], "x, y");
    EXPECT_EQ(r[1].fields[1], "say \"hi\"");
}

TEST(Csv, QuotedLineBreakKeepsLineNumbers) {
    const auto r = records("a,b\n\"two\nlines\",x\nnext,row\n");
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[1].fields[0], "two\nlines");
    EXPECT_EQ(r[1].line, 2u);
    EXPECT_EQ(r[2].line, 4u);
}

TEST(Csv, EmptyFieldsAndEmptyQuoted) {
    const auto r = records("a,b,c\n,\"\",\n");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[1].fields, (std::vector<std::string>{"", "", ""}));
}

TEST(Csv, BlankLinesAndBomSkipped) {
    const auto r = records(
        "\xEF\xBB\xBF"
        "a,b\n\n1,2\n\n");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].fields[0], "a");
    EXPECT_EQ(r[1].line, 3u);
}

TEST(Csv, UnclosedQuoteNamesItsLine) {
    const auto r = parse_csv_records("a,b\n1,2\n\"open,3\n", namer);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
    EXPECT_NE(r.error().message.find("f.csv:3:"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("not closed"), std::string::npos);
}

TEST(Csv, TextAfterClosingQuoteIsAnError) {
    const auto r = parse_csv_records("a,b\n\"x\"y,2\n", namer);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("f.csv:2:"), std::string::npos) << r.error().message;
}

TEST(Csv, EmptyText) {
    EXPECT_TRUE(records("").empty());
}

}  // namespace
}  // namespace hwtotp::aws::detail
