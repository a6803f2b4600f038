// store::export_tokens as a library: its refusals speak the store's terms (no CLI flag), and a
// PSKC export reads back through read_pskc_file, whose ValueMAC check finds a tampered value.
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "hwtotp/store/export.h"
#include "hwtotp/store/import.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace {

using test::make_token;
using test::read_file;
using test::secret_from_hex;
using test::TempDir;
using test::write_file;

constexpr const char* rfc_seed = "3132333435363738393031323334353637383930";
constexpr const char* psk_hex = "000102030405060708090a0b0c0d0e0f";

class ExportLibrary : public ::testing::Test {
  protected:
    void SetUp() override {
        auto registry = test::open_registry(dir);
        auto import = registry.begin_import(false, 1700000000);
        ASSERT_TRUE(import) << import.error().message;
        NewToken hotp = make_token("HOTP0001", rfc_seed);
        hotp.description.type = OtpType::hotp;
        hotp.description.counter = 9;
        ASSERT_TRUE(import->add(make_token("TOTP0001", rfc_seed), "test"));
        ASSERT_TRUE(import->add(std::move(hotp), "test"));
        ASSERT_TRUE(import->commit());
    }
    Result<ExportSummary> export_with(ExportRequest request) {
        auto registry = test::open_registry(dir);
        if (request.output.empty())
            request.output = dir.file("out");
        return export_tokens(registry, request);
    }
    static ExportRequest pskc_under_key() {
        ExportRequest request;
        request.format = ExportFormat::pskc;
        request.pskc.key = secret_from_hex(psk_hex);
        return request;
    }

    TempDir dir;
};

TEST_F(ExportLibrary, FormatNamesAreReadInAnyCaseAndAnUnknownOneListsTheAccepted) {
    EXPECT_EQ(parse_export_format("PAM-OATH").value(), ExportFormat::pam_oath);
    EXPECT_EQ(export_format_name(ExportFormat::privacyidea_csv), "privacyidea-csv");
    const auto unknown = parse_export_format("yaml");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().message,
              "export format 'yaml' (accepted: pskc, pam-oath, entra-csv, privacyidea-csv, uri)");
}

TEST_F(ExportLibrary, RefusalsNameNoCommandLineOption) {
    std::vector<Result<ExportSummary>> refusals;
    ExportRequest none;  // PSKC without key, password or plain
    refusals.push_back(export_with(std::move(none)));
    ExportRequest short_key = pskc_under_key();
    short_key.pskc.key = secret_from_hex("0011");
    refusals.push_back(export_with(std::move(short_key)));
    write_file(dir.file("exists"), "x");
    ExportRequest exists = pskc_under_key();
    exists.output = dir.file("exists");
    refusals.push_back(export_with(std::move(exists)));
    ExportRequest absent = pskc_under_key();
    absent.serials = {"NOPE0001"};
    refusals.push_back(export_with(std::move(absent)));
    ExportRequest qr = pskc_under_key();
    qr.qr_dir = dir.path();
    refusals.push_back(export_with(std::move(qr)));
    for (const auto& r : refusals) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().message.find("--"), std::string::npos) << r.error().message;
    }
    EXPECT_EQ(refusals[2].error().code, ErrorCode::invalid_input);
    EXPECT_NE(refusals[2].error().message.find(replace_output_hint), std::string::npos);
    EXPECT_EQ(refusals[3].error().code, ErrorCode::not_found);
}

TEST_F(ExportLibrary, PskcUnderAKeyReadsBackWithTheSameSeedsAndCounter) {
    const auto summary = export_with(pskc_under_key());
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->written, 2U);
    EXPECT_EQ(test::file_mode(dir.file("out")), 0600U);
    const auto tokens = test::read_pskc_tokens(dir.file("out"), psk_hex);
    ASSERT_TRUE(tokens) << tokens.error().message;
    const std::vector<NewToken>& read = *tokens;
    ASSERT_EQ(read.size(), 2U);
    EXPECT_EQ(read[0].description.serial, "HOTP0001");
    EXPECT_EQ(read[0].description.type, OtpType::hotp);
    EXPECT_EQ(read[0].description.counter, 9U);
    EXPECT_EQ(test::hex_of(read[0].seed), rfc_seed);
    EXPECT_EQ(read[1].description.serial, "TOTP0001");
    EXPECT_EQ(test::hex_of(read[1].seed), rfc_seed);
}

TEST_F(ExportLibrary, TamperedCipherValueIsCaughtByItsValueMac) {
    ASSERT_TRUE(export_with(pskc_under_key()));
    std::string xml = read_file(dir.file("out"));
    // The first Secret's ciphertext (after the MACKey's), one base64 character changed.
    const auto secret = xml.find("<pskc:Secret>");
    const auto at = xml.find("<xenc:CipherValue>", secret) + 18 + 30;
    xml[at] = xml[at] == 'A' ? 'B' : 'A';
    write_file(dir.file("tampered"), xml);
    PskcKeys keys;
    keys.key = secret_from_hex(psk_hex);
    ImportCallbacks callbacks;
    callbacks.sink = [](NewToken&&, std::string_view) -> Result<void> { return {}; };
    const auto count = read_pskc_file(dir.file("tampered"), keys, callbacks);
    ASSERT_FALSE(count);
    EXPECT_NE(count.error().message.find("ValueMAC does not match"), std::string::npos)
        << count.error().message;
}

}  // namespace
}  // namespace hwtotp::store
