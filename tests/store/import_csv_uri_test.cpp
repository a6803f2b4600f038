// CSV and otpauth URI import, format detection, all-or-nothing behaviour.

#include <gtest/gtest.h>

#include "hwtotp/store/hints.h"
#include "hwtotp/store/import.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace import_csv_uri_test {

using test::TempDir;

Result<ImportSummary> import_text(Registry& registry, const TempDir& dir, const std::string& name,
                                  const std::string& text, bool replace = false) {
    test::write_file(dir.file(name), text);
    ImportRequest request;
    request.path = dir.file(name);
    request.replace = replace;
    return import_file(registry, request, 1000);
}

TEST(CsvImport, ReadsHexAndBase32WithOptionalColumns) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    auto summary =
        import_text(registry, dir, "t.csv",
                    "# vendor list\n"
                    "serial,seed,type,digits,period,algorithm\n"
                    "GAKT00000001,3132333435363738393031323334353637383930\n"
                    "GAKT00000002, GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ , totp, 8, 60, sha256\n"
                    "\n"
                    "HOTP00000003,3132333435363738393031323334353637383930,hotp\n");
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->format, ImportFormat::csv);
    EXPECT_EQ(summary->added, 3U);
    auto second = registry.get("GAKT00000002");
    ASSERT_TRUE(second);
    EXPECT_EQ(test::hex_of(second->seed), "3132333435363738393031323334353637383930");
    EXPECT_EQ(second->info.description.params.digits(), 8);
    EXPECT_EQ(second->info.description.params.period(), 60);
    EXPECT_EQ(second->info.description.params.hash(), Hash::sha256);
    EXPECT_EQ(registry.info("HOTP00000003")->description.type, OtpType::hotp);
}

TEST(CsvImport, BadSeedNamesTheLineAndImportsNothing) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    auto summary = import_text(registry, dir, "t.csv",
                               "A0000001,3132333435363738393031323334353637383930\n"
                               "A0000002,3132333435363738393031323334353637383930\n"
                               "A0000003,3132333435363738393031323334353637383930\n"
                               "A0000004,not!a!seed\n");
    ASSERT_FALSE(summary);
    EXPECT_EQ(summary.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(summary.error().message.rfind("line 4 (serial A0000004): seed", 0), 0U)
        << summary.error().message;
    EXPECT_TRUE(registry.list()->empty());
}

TEST(Import, ReportsTheEarliestBadRecordWhicheverPhaseFindsIt) {
    // Line 2 repeats a serial, which adding finds; line 3 has a bad seed, which reading (done
    // first, for the whole file) finds. The file's first error is line 2's, and that is the answer.
    TempDir dir;
    auto registry = test::open_registry(dir);
    auto summary = import_text(registry, dir, "t.csv",
                               "A0000001,3132333435363738393031323334353637383930\n"
                               "A0000001,3132333435363738393031323334353637383930\n"
                               "A0000003,not!a!seed\n");
    ASSERT_FALSE(summary);
    EXPECT_EQ(summary.error().message.rfind("line 2 (serial A0000001): the serial appears more "
                                            "than once in the file",
                                            0),
              0U)
        << summary.error().message;
    EXPECT_TRUE(registry.list()->empty());
}

TEST(CsvImport, AFirstFieldThatCannotBeASerialIsNotShown) {
    // A pam_oath line read as CSV: its one field holds the seed, which no message may show.
    ImportCallbacks callbacks;
    callbacks.sink = [](NewToken&&, std::string_view) -> Result<void> { return {}; };
    auto read =
        read_csv("HOTP alice - 3132333435363738393031323334353637383930\n", "t.csv", callbacks);
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().message.rfind("line 1: expected serial,seed", 0), 0U)
        << read.error().message;
    EXPECT_EQ(read.error().message.find("3132"), std::string::npos);
}

TEST(CsvImport, BadDigitsAndType) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    auto digits =
        import_text(registry, dir, "t.csv", "A0000001,31323334353637383930313233343536,totp,9\n");
    ASSERT_FALSE(digits);
    EXPECT_NE(digits.error().message.find("line 1"), std::string::npos);
    auto type =
        import_text(registry, dir, "t.csv", "A0000001,31323334353637383930313233343536,ocra\n");
    ASSERT_FALSE(type);
    EXPECT_NE(type.error().message.find("ocra"), std::string::npos);
}

TEST(UriImport, SerialFromParameterOrLabel) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    auto summary = import_text(
        registry, dir, "tokens.txt",
        "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&serial=GAKT00000009\n"
        "# comment\n"
        "otpauth://totp/ACME:GAKT00000010?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8\n");
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->format, ImportFormat::uri);
    auto a = registry.info("GAKT00000009");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->description.label, "alice");
    EXPECT_EQ(a->description.issuer, "ACME");
    EXPECT_EQ(registry.info("GAKT00000010")->description.params.digits(), 8);
}

TEST(UriImport, NoSerialIsAnError) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    auto summary = import_text(registry, dir, "tokens.uri",
                               "otpauth://totp/?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n");
    ASSERT_FALSE(summary);
    EXPECT_NE(summary.error().message.find("line 1: no serial"), std::string::npos);
}

TEST(ImportFormatDetection, ByExtensionThenContent) {
    EXPECT_EQ(detect_import_format("a.pskcxml", ""), ImportFormat::pskc);
    EXPECT_EQ(detect_import_format("a.CSV", ""), ImportFormat::csv);
    EXPECT_EQ(detect_import_format("a", "\n<?xml version"), ImportFormat::pskc);
    EXPECT_EQ(detect_import_format("a", "# x\notpauth://totp/x"), ImportFormat::uri);
    EXPECT_EQ(detect_import_format("a", "serial,seed"), ImportFormat::csv);
}

TEST(Import, ReplaceOverwritesAndResetsState) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    ASSERT_TRUE(import_text(registry, dir, "a.csv", "A0000001,31323334353637383930313233343536\n"));
    ASSERT_TRUE(registry.record_accept("A0000001", 50, 2, 1000));
    auto refused =
        import_text(registry, dir, "b.csv", "A0000001,41424344454647484950515253545556\n");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find(hint::allow_replace), std::string::npos);
    auto replaced =
        import_text(registry, dir, "b.csv", "A0000001,41424344454647484950515253545556\n", true);
    ASSERT_TRUE(replaced);
    EXPECT_EQ(replaced->replaced, 1U);
    auto token = registry.get("A0000001");
    ASSERT_TRUE(token);
    EXPECT_EQ(test::hex_of(token->seed), "41424344454647484950515253545556");
    EXPECT_FALSE(token->info.state.last_step);
}

TEST(Import, MissingFileIsNotFound) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    ImportRequest request;
    request.path = dir.file("nope.csv");
    auto result = import_file(registry, request, 1);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::not_found);
}

}  // namespace import_csv_uri_test
}  // namespace hwtotp::store
