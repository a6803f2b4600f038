// The vendor and verifier readers (vendor_import.h): SafeNet XML, eToken .dat, Entra CSV,
// privacyIDEA CSV, pam_oath usersfiles, and detecting them by content.

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hwtotp/store/vendor_import.h"
#include "hwtotp/totp/otp_key.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace import_vendor_test {

constexpr const char* rfc_seed = "3132333435363738393031323334353637383930";
constexpr const char* rfc_seed_sha256 =
    "3132333435363738393031323334353637383930313233343536373839303132";

struct Read {
    std::vector<std::pair<TokenDescription, std::string>> tokens;  // description, seed hex
    std::vector<std::string> warnings;
    std::vector<std::string> skipped;
};

using Reader = Result<std::size_t> (*)(std::string_view, std::string_view, const ImportCallbacks&);

// Runs a reader over text; `skip` sets the unsupported callback (skip and record).
Result<Read> run(Reader reader, const std::string& text, bool skip = false) {
    Read read;
    ImportCallbacks callbacks;
    callbacks.sink = [&](NewToken&& token, std::string_view) -> Result<void> {
        read.tokens.emplace_back(token.description, test::hex_of(token.seed));
        return {};
    };
    callbacks.warn = [&](const std::string& w) { read.warnings.push_back(w); };
    if (skip) {
        callbacks.unsupported = [&](const std::string& record) -> Result<void> {
            read.skipped.push_back(record);
            return {};
        };
    }
    HWTOTP_TRY(reader(text, "f", callbacks));
    return read;
}

Result<Read> run_file(Reader reader, const std::string& name, bool skip = false) {
    return run(reader, test::read_file(test::vendor_vector(name)), skip);
}

bool has(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// The HOTP code of the RFC 4226 seed at `counter` (RFC 4226 Appendix D: 755224, 287082, ...).
std::string rfc_hotp(std::uint64_t counter, int digits = 6) {
    auto key = OtpKey::create(test::secret_from_hex(rfc_seed), Hash::sha1);
    return key->code(counter, digits).str();
}

// ---- SafeNet XML ----

TEST(SafenetXml, EventTokensWithCounterAndHashFromSeedLength) {
    auto got = run_file(read_safenet_xml, "safenet.xml");
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 2U);
    const auto& [first, first_seed] = got->tokens[0];
    EXPECT_EQ(first.serial, "SNET00000001");
    EXPECT_EQ(first.type, OtpType::hotp);
    EXPECT_EQ(first.counter, 0U);
    EXPECT_EQ(first.params.hash(), Hash::sha1);
    EXPECT_EQ(first.params.digits(), 6);
    EXPECT_EQ(first.label, "eTPass 6.0");
    EXPECT_EQ(first_seed, rfc_seed);
    const auto& [second, second_seed] = got->tokens[1];
    EXPECT_EQ(second.counter, 5U);
    EXPECT_EQ(second.params.hash(), Hash::sha256);  // a 32-byte seed, as privacyIDEA reads it
    EXPECT_EQ(second_seed, rfc_seed_sha256);
}

TEST(SafenetXml, UnknownApplicationElementIsRefusedOrSkipped) {
    auto refused = run_file(read_safenet_xml, "safenet-unknown-element.xml");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(refused.error().message.rfind("Token 2 (serial SNET00000012): Application element "
                                            "<TimeStep> is not known to hwtotp",
                                            0),
              0U)
        << refused.error().message;
    EXPECT_TRUE(has(refused.error().message, std::string(skip_unsupported_hint)));
    auto skipped = run_file(read_safenet_xml, "safenet-unknown-element.xml", true);
    ASSERT_TRUE(skipped) << skipped.error().message;
    ASSERT_EQ(skipped->tokens.size(), 1U);
    EXPECT_EQ(skipped->tokens[0].first.serial, "SNET00000011");
    ASSERT_EQ(skipped->skipped.size(), 1U);
    EXPECT_TRUE(has(skipped->skipped[0], "SNET00000012"));
}

TEST(SafenetXml, DoctypeWrongRootAndBadSeedAreRefused) {
    auto doctype =
        run(read_safenet_xml,
            "<!DOCTYPE Tokens [<!ENTITY e \"x\">]><Tokens><Token serial=\"A\"/></Tokens>");
    ASSERT_FALSE(doctype);
    EXPECT_TRUE(has(doctype.error().message, "DOCTYPE")) << doctype.error().message;
    auto root = run(read_safenet_xml, "<KeyContainer/>");
    ASSERT_FALSE(root);
    EXPECT_TRUE(has(root.error().message, "expected <Tokens>")) << root.error().message;
    auto seed = run(read_safenet_xml,
                    "<Tokens><Token serial=\"SNET1\"><Applications><Application><Seed>xyz</Seed>"
                    "</Application></Applications></Token></Tokens>");
    ASSERT_FALSE(seed);
    EXPECT_EQ(seed.error().message.rfind("Token 1 (serial SNET1): Seed (hex)", 0), 0U)
        << seed.error().message;
}

// ---- eToken .dat ----

TEST(EtokenDat, EventAndTimeRecordsWithFoldingAndWithoutBlankLines) {
    auto got = run_file(read_etoken_dat, "etoken.dat");
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 3U);
    const auto& event = got->tokens[0].first;
    EXPECT_EQ(event.serial, "ETPE00000001");
    EXPECT_EQ(event.type, OtpType::hotp);
    EXPECT_EQ(event.counter, 3U);  // sccSeq
    EXPECT_EQ(event.label, "eToken-PASS-ES");
    const auto& time = got->tokens[1].first;
    EXPECT_EQ(time.serial, "ETPT00000002");
    EXPECT_EQ(time.type, OtpType::totp);
    EXPECT_EQ(time.params.period(), 30);
    EXPECT_EQ(time.params.t0(), 946684800);  // 2000-01-01T00:00:00Z
    const auto& folded = got->tokens[2].first;
    EXPECT_EQ(folded.serial, "ETPT00000003");
    EXPECT_EQ(folded.type, OtpType::totp);  // "sccMode=" folded onto " T;..."
    EXPECT_EQ(folded.params.hash(), Hash::sha256);
    EXPECT_EQ(folded.params.digits(), 8);
    EXPECT_EQ(folded.params.period(), 60);
    EXPECT_EQ(got->tokens[2].second, rfc_seed_sha256);
}

TEST(EtokenDat, TimeTokenStepsCountFrom2000) {
    auto got = run_file(read_etoken_dat, "etoken.dat");
    ASSERT_TRUE(got) << got.error().message;
    const Params& p = got->tokens[1].first.params;
    // 59 s after 2000-01-01T00:00:00Z is step 1: RFC 6238's 94287082 at T = 59, six digits.
    const std::int64_t step = (946684859 - p.t0()) / p.period();
    EXPECT_EQ(step, 1);
    EXPECT_EQ(rfc_hotp(static_cast<std::uint64_t>(step)), "287082");
}

TEST(EtokenDat, UnknownModeIsUnsupportedAndUnknownDataWarns) {
    const std::string text =
        "sccAuthenticatorId: ETPX1\nsccTokenData: sccKey=3132333435363738393031323334353637383930;"
        "sccMode=C\n\nsccAuthenticatorId: ETPX2\nsccTokenData: sccKey=3132333435363738393031323334"
        "353637383930;sccMode=E;sccMystery=1\n";
    auto refused = run(read_etoken_dat, text);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message.rfind("record at line 1 (serial ETPX1): sccMode 'C'", 0), 0U)
        << refused.error().message;
    auto skipped = run(read_etoken_dat, text, true);
    ASSERT_TRUE(skipped) << skipped.error().message;
    ASSERT_EQ(skipped->tokens.size(), 1U);
    ASSERT_EQ(skipped->warnings.size(), 1U);
    EXPECT_TRUE(has(skipped->warnings[0], "sccMystery")) << skipped->warnings[0];
}

TEST(EtokenDat, MissingKeyOrSerialNamesTheRecord) {
    auto no_key =
        run(read_etoken_dat, "# x\n\nsccAuthenticatorId: ETPX1\nsccTokenData: sccMode=E\n");
    ASSERT_FALSE(no_key);
    EXPECT_EQ(no_key.error().message,
              "record at line 3 (serial ETPX1): sccTokenData has no sccKey");
    auto no_serial = run(read_etoken_dat, "dn: x\nsccTokenData: sccKey=00\n");
    ASSERT_FALSE(no_serial);
    EXPECT_TRUE(has(no_serial.error().message, "no sccAuthenticatorId"))
        << no_serial.error().message;
}

// ---- Entra CSV ----

TEST(EntraCsv, UpnIsTheOwnerAndQuotedFieldsRead) {
    auto got = run_file(read_entra_csv, "entra.csv");
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 2U);
    const auto& [helga, seed] = got->tokens[0];
    EXPECT_EQ(helga.serial, "ENTR00000001");
    EXPECT_EQ(helga.owner, "helga@example.com");
    EXPECT_EQ(helga.type, OtpType::totp);
    EXPECT_EQ(helga.params.period(), 30);
    EXPECT_EQ(helga.manufacturer, "Contoso");
    EXPECT_EQ(seed, rfc_seed);
    const auto& bob = got->tokens[1].first;
    EXPECT_EQ(bob.owner, "bob@example.com");
    EXPECT_EQ(bob.params.period(), 60);
    EXPECT_EQ(bob.label, "Hardware Key, 60 s");
}

TEST(EntraCsv, ColumnsAreFoundByHeaderName) {
    auto got = run(read_entra_csv,
                   "secret key,serial number,upn\nGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,ENTR1,eve@x\n");
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->tokens[0].first.serial, "ENTR1");
    EXPECT_EQ(got->tokens[0].first.owner, "eve@x");
}

TEST(EntraCsv, MissingHeaderAndBadKeyAreRefused) {
    auto header = run(read_entra_csv, "ENTR1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n");
    ASSERT_FALSE(header);
    EXPECT_TRUE(has(header.error().message, "line 1: expected the header row"))
        << header.error().message;
    auto key = run(read_entra_csv, "upn,serial number,secret key\na@x,ENTR1,GEZDGNB1\n");
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().message.rfind("line 2 (serial ENTR1): secret key (base32)", 0), 0U)
        << key.error().message;
    auto quote = run(read_entra_csv, "upn,serial number,secret key\n\"a@x,ENTR1,GEZDGNBV\n");
    ASSERT_FALSE(quote);
    EXPECT_TRUE(has(quote.error().message, "not closed")) << quote.error().message;
}

// ---- privacyIDEA CSV ----

TEST(PrivacyideaCsv, HashFromKeyLengthCounterAndStep) {
    auto got = run_file(read_privacyidea_csv, "privacyidea.csv", true);
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 2U);
    const auto& hotp = got->tokens[0].first;
    EXPECT_EQ(hotp.serial, "PIHO00000001");
    EXPECT_EQ(hotp.type, OtpType::hotp);
    EXPECT_EQ(hotp.counter, 1U);
    EXPECT_EQ(hotp.params.hash(), Hash::sha1);
    const auto& totp = got->tokens[1].first;
    EXPECT_EQ(totp.type, OtpType::totp);
    EXPECT_EQ(totp.params.hash(), Hash::sha256);  // 64 hex digits
    EXPECT_EQ(totp.params.digits(), 8);
    EXPECT_EQ(totp.params.period(), 60);
    ASSERT_EQ(got->skipped.size(), 1U);
    EXPECT_EQ(got->skipped[0].rfind("line 4 (serial PIOC00000003): type 'ocra'", 0), 0U)
        << got->skipped[0];
}

TEST(PrivacyideaCsv, OcraLineIsRefusedWithoutSkipping) {
    auto got = run_file(read_privacyidea_csv, "privacyidea.csv");
    ASSERT_FALSE(got);
    EXPECT_TRUE(has(got.error().message, "line 4 (serial PIOC00000003): type 'ocra'"))
        << got.error().message;
    EXPECT_TRUE(has(got.error().message, std::string(skip_unsupported_hint)));
}

TEST(PrivacyideaCsv, Version2PutsTheUserFirstAndMakesItTheOwner) {
    auto got = run_file(read_privacyidea_csv, "privacyidea-v2.csv");
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 2U);
    EXPECT_EQ(got->tokens[0].first.serial, "PIHO00000011");
    EXPECT_EQ(got->tokens[0].first.owner, "alice");
    EXPECT_EQ(got->tokens[1].first.owner, "bob");
    EXPECT_EQ(got->tokens[1].first.type, OtpType::totp);  // "TOTP": any case
}

TEST(PrivacyideaCsv, Sha224KeyLengthIsUnsupportedAndAllSkippedIsAnError) {
    auto sha224 = run(read_privacyidea_csv, "PI1, " + std::string(56, 'a') + ", totp\n");
    ASSERT_FALSE(sha224);
    EXPECT_TRUE(has(sha224.error().message, "HMAC-SHA-224")) << sha224.error().message;
    auto all_skipped = run_file(read_privacyidea_csv, "privacyidea-ocra-only.csv", true);
    ASSERT_FALSE(all_skipped);
    EXPECT_EQ(all_skipped.error().message,
              "f: nothing to import: every record in the file (1) was skipped as unsupported");
}

// ---- pam_oath usersfile ----

TEST(PamOath, TypesUsersSerialsAndTheCounterAfterTheLastOtp) {
    auto got = run_file(read_pam_oath, "users.oath");
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 4U);
    const auto& alice = got->tokens[0].first;
    EXPECT_EQ(alice.serial, "pam-oath:alice");
    EXPECT_EQ(alice.owner, "alice");
    EXPECT_EQ(alice.type, OtpType::hotp);
    // COUNTER 0 with LASTOTP 755224, the code at 0: pam_oath refuses 755224 again, so 1 is next.
    EXPECT_EQ(alice.counter, 1U);
    const auto& alice2 = got->tokens[1].first;
    EXPECT_EQ(alice2.serial, "pam-oath:alice:2");
    EXPECT_EQ(alice2.params.digits(), 8);
    EXPECT_EQ(alice2.counter, 5U);
    const auto& bob = got->tokens[2].first;
    EXPECT_EQ(bob.serial, "pam-oath:bob");
    EXPECT_EQ(bob.type, OtpType::totp);
    EXPECT_EQ(bob.params.period(), 30);
    const auto& carol = got->tokens[3].first;
    EXPECT_EQ(carol.params.period(), 60);
    EXPECT_EQ(carol.params.digits(), 8);
    // One token per owner: alice's second line comes in unowned, and says so.
    EXPECT_EQ(got->tokens[0].first.owner, "alice");
    EXPECT_EQ(alice2.owner, "");
    ASSERT_EQ(got->warnings.size(), 2U);
    EXPECT_TRUE(has(got->warnings[0], "(serial pam-oath:alice:2): imported without an owner"));
    // bob's PIN is not imported, and the warning does not show it.
    EXPECT_TRUE(has(got->warnings[1], "line 4 (serial pam-oath:bob): the PIN is not imported"));
    EXPECT_FALSE(has(got->warnings[1], "1234"));
}

TEST(PamOath, LastOtpThatIsNotTheCodeAtCounterKeepsTheCounter) {
    auto got = run(read_pam_oath, "HOTP u - " + std::string(rfc_seed) + " 4 " + rfc_hotp(3) +
                                      " 2009-12-07T17:25:42L\n");
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->tokens[0].first.counter, 4U);
}

TEST(PamOath, SerialSchemeRoundTrips) {
    EXPECT_EQ(pam_oath_serial("alice", 1), "pam-oath:alice");
    EXPECT_EQ(pam_oath_serial("alice", 3), "pam-oath:alice:3");
    auto first = parse_pam_oath_serial("pam-oath:alice");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->user, "alice");
    EXPECT_EQ(first->nth, 1U);
    auto third = parse_pam_oath_serial("pam-oath:alice:3");
    ASSERT_TRUE(third);
    EXPECT_EQ(third->nth, 3U);
    EXPECT_FALSE(parse_pam_oath_serial("GAKT00000001"));
    EXPECT_FALSE(parse_pam_oath_serial("pam-oath:alice:1"));
    EXPECT_FALSE(parse_pam_oath_serial("pam-oath:alice:x"));
}

TEST(PamOath, UnknownTypeIsUnsupportedAndBadFieldsAreRefused) {
    auto motp = run(read_pam_oath, "MOTP u - 00\n");
    ASSERT_FALSE(motp);
    EXPECT_TRUE(has(motp.error().message, "line 1: token type 'MOTP'")) << motp.error().message;
    auto digits = run(read_pam_oath, "HOTP/T30/9 u - 00\n");
    ASSERT_FALSE(digits);
    EXPECT_TRUE(has(digits.error().message, "token type 'HOTP/T30/9'"));
    auto counter = run(read_pam_oath, "HOTP u - " + std::string(rfc_seed) + " -1\n");
    ASSERT_FALSE(counter);
    EXPECT_EQ(counter.error().message,
              "line 1 (serial pam-oath:u): COUNTER is not a whole number below 2^64");
    auto time = run(read_pam_oath, "HOTP u - " + std::string(rfc_seed) + " 0 755224 yesterday\n");
    ASSERT_FALSE(time);
    EXPECT_TRUE(has(time.error().message, "TIME is not of the form")) << time.error().message;
}

// ---- detection ----

TEST(ImportFormatDetection, VendorFilesByContentWhateverTheirName) {
    const auto content = [](const std::string& name) {
        return test::read_file(test::vendor_vector(name));
    };
    EXPECT_EQ(detect_import_format("tokens.xml", content("safenet.xml")),
              ImportFormat::safenet_xml);
    EXPECT_EQ(detect_import_format("tokens.txt", content("etoken.dat")), ImportFormat::etoken_dat);
    EXPECT_EQ(detect_import_format("x.txt", content("entra.csv")), ImportFormat::entra_csv);
    EXPECT_EQ(detect_import_format("x.csv", content("privacyidea-v2.csv")),
              ImportFormat::privacyidea_csv);
    EXPECT_EQ(detect_import_format("users", content("users.oath")), ImportFormat::pam_oath);
    // A DOCTYPE names the root: the SafeNet reader refuses it in its own words.
    EXPECT_EQ(detect_import_format("t.xml", content("bad-safenet-doctype.xml")),
              ImportFormat::safenet_xml);
    EXPECT_EQ(
        detect_import_format("a.xml", "<?xml version=\"1.0\"?>\n<!-- c -->\n<pskc:KeyContainer>"),
        ImportFormat::pskc);
    // No mark in the content: the extension, then CSV, as before.
    EXPECT_EQ(detect_import_format("a.dat", "whatever"), ImportFormat::etoken_dat);
    EXPECT_EQ(detect_import_format("a.txt", "serial,seed"), ImportFormat::uri);
    EXPECT_EQ(detect_import_format("a", "serial,seed"), ImportFormat::csv);
}

TEST(ImportFormatNames, EveryFormatParsesFromItsName) {
    for (const char* name : {"pskc", "csv", "uri", "safenet-xml", "etoken-dat", "entra-csv",
                             "privacyidea-csv", "pam-oath"}) {
        auto format = parse_import_format(name);
        ASSERT_TRUE(format) << name;
        EXPECT_EQ(import_format_name(*format), name);
    }
    auto bad = parse_import_format("yaml");
    ASSERT_FALSE(bad);
    EXPECT_TRUE(has(bad.error().message, "pam-oath")) << bad.error().message;
}

}  // namespace import_vendor_test
}  // namespace hwtotp::store
