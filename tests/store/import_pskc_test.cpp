// PSKC import: the RFC 6030 figures, files written by python3-pskc, and bad input.

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "hwtotp/store/hints.h"
#include "hwtotp/store/import.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace import_pskc_test {

using test::TempDir;

struct Collected {
    std::vector<std::pair<TokenDescription, std::string>> tokens;  // description, seed hex
    std::vector<std::string> warnings;
    std::vector<std::string> skipped;
};

// skip: skip unsupported keys (recorded); now: the import's time, for policy warnings.
Result<Collected> read_file_pskc(const std::string& path, const std::string& key_hex = "",
                                 const std::string& password = "", bool skip = false,
                                 std::int64_t now = 0) {
    Collected collected;
    PskcKeys keys;
    if (!key_hex.empty())
        keys.key = test::secret_from_hex(key_hex);
    if (!password.empty()) {
        keys.password = Secret(std::span<const std::uint8_t>(
            reinterpret_cast<const std::uint8_t*>(password.data()), password.size()));
    }
    ImportCallbacks callbacks;
    callbacks.sink = [&](NewToken&& token, std::string_view) -> Result<void> {
        collected.tokens.emplace_back(token.description, test::hex_of(token.seed));
        return {};
    };
    callbacks.warn = [&](const std::string& w) { collected.warnings.push_back(w); };
    if (skip) {
        callbacks.unsupported = [&](const std::string& record) -> Result<void> {
            collected.skipped.push_back(record);
            return {};
        };
    }
    callbacks.now = now;
    const std::string xml = test::read_file(path);
    auto count = read_pskc(xml, path, keys, callbacks);
    if (!count)
        return tl::unexpected(count.error());
    return collected;
}

constexpr const char* rfc_secret = "3132333435363738393031323334353637383930";

TEST(PskcFigures, Figure2PlainMinimal) {
    auto got = read_file_pskc(test::pskc_vector("figure2.pskcxml"));
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 1U);
    EXPECT_EQ(got->tokens[0].first.serial, "12345678");  // no SerialNo: the Key Id
    EXPECT_EQ(got->tokens[0].first.type, OtpType::hotp);
    EXPECT_EQ(got->tokens[0].first.issuer, "Issuer-A");
    EXPECT_EQ(got->tokens[0].second, "31323334");
}

TEST(PskcFigures, Figure3DeviceInfoAndResponseFormat) {
    auto got = read_file_pskc(test::pskc_vector("figure3.pskcxml"));
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 1U);
    const auto& d = got->tokens[0].first;
    EXPECT_EQ(d.serial, "987654321");
    EXPECT_EQ(d.manufacturer, "Manufacturer");
    EXPECT_EQ(d.params.digits(), 8);
    EXPECT_EQ(d.counter, 0U);
    EXPECT_EQ(got->tokens[0].second, rfc_secret);
}

TEST(PskcFigures, Figure6PreSharedKeyWithMac) {
    auto got =
        read_file_pskc(test::pskc_vector("figure6.pskcxml"), "12345678901234567890123456789012");
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 1U);
    EXPECT_EQ(got->tokens[0].first.serial, "987654321");
    EXPECT_EQ(got->tokens[0].second, rfc_secret);
}

TEST(PskcFigures, Figure6WithoutKeySaysWhatToPass) {
    auto got = read_file_pskc(test::pskc_vector("figure6.pskcxml"));
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find(hint::give_pskc_key), std::string::npos);
    EXPECT_NE(got.error().message.find("KeyPackage 1 (serial 987654321)"), std::string::npos);
}

TEST(PskcFigures, Figure6WrongKey) {
    auto got =
        read_file_pskc(test::pskc_vector("figure6.pskcxml"), "12345678901234567890123456789013");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, ErrorCode::crypto);
    EXPECT_NE(got.error().message.find("wrong key or password"), std::string::npos);
}

TEST(PskcFigures, Figure7Pbkdf2) {
    auto got = read_file_pskc(test::pskc_vector("figure7.pskcxml"), "", "qwerty");
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 1U);
    EXPECT_EQ(got->tokens[0].first.serial, "987654321");
    EXPECT_EQ(got->tokens[0].first.manufacturer, "TokenVendorAcme");
    EXPECT_EQ(got->tokens[0].second, rfc_secret);
}

TEST(PskcFigures, Figure7DerivedKeyGivenDirectly) {
    auto got =
        read_file_pskc(test::pskc_vector("figure7.pskcxml"), "651e63cd57008476af1ff6422cd02e41");
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->tokens[0].second, rfc_secret);
}

TEST(PskcFigures, Figure7WrongPassword) {
    auto got = read_file_pskc(test::pskc_vector("figure7.pskcxml"), "", "qwertz");
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("wrong key or password"), std::string::npos);
}

TEST(PskcFigures, Figure4KeyByReferenceIsRefused) {
    auto got = read_file_pskc(test::pskc_vector("figure4.pskcxml"));
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("no Secret"), std::string::npos);
}

TEST(PskcFigures, Figure5PinKeyIsUnknownAlgorithm) {
    auto got = read_file_pskc(test::pskc_vector("figure5.pskcxml"));
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("KeyPackage 2"), std::string::npos);
    EXPECT_NE(got.error().message.find("unsupported algorithm"), std::string::npos);
}

TEST(PskcFigures, Figure8AsymmetricIsRefused) {
    auto got = read_file_pskc(test::pskc_vector("figure8.pskcxml"));
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("X.509"), std::string::npos);
}

TEST(PskcFigures, Figure2ShortSecretWarnsThroughImportFile) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    std::vector<std::string> warnings;
    ImportCallbacks callbacks;
    callbacks.warn = [&](const std::string& w) { warnings.push_back(w); };
    ImportRequest request;
    request.path = test::pskc_vector("figure2.pskcxml");
    auto summary = import_file(registry, request, 1000, callbacks);
    ASSERT_TRUE(summary) << summary.error().message;
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_NE(warnings[0].find("4 bytes"), std::string::npos);
}

TEST(PskcFigures, Figure10DuplicateSerialNeedsReplace) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    ImportRequest request;
    request.path = test::pskc_vector("figure10.pskcxml");
    auto refused = import_file(registry, request, 1000);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("KeyPackage 4 (serial 9999999)"), std::string::npos);
    EXPECT_TRUE(registry.list()->empty());
    request.replace = true;
    auto summary = import_file(registry, request, 1000);
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(registry.list()->size(), 3U);
}

// python3-pskc wrote these files (vectors/pskc/generate_python_pskc.py); the manifest says what
// they hold.
struct Expected {
    std::string file, serial, type, hash;
    int digits = 0;
    std::int64_t period = 0, drift = 0;
    std::uint64_t counter = 0;
    std::string seed;
};

std::vector<Expected> manifest() {
    std::ifstream in(test::pskc_vector("python-pskc-expected.txt"));
    std::vector<Expected> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream fields(line);
        Expected e;
        fields >> e.file >> e.serial >> e.type >> e.hash >> e.digits >> e.period >> e.drift >>
            e.counter >> e.seed;
        rows.push_back(e);
    }
    return rows;
}

std::string key_for(const std::string& file) {
    if (file == "pp-aes128-hmac-sha1.pskcxml")
        return "12345678901234567890123456789012";
    if (file == "pp-aes256-hmac-sha256.pskcxml")
        return "abababababababababababababababababababababababababababababababab";
    if (file == "pp-kw-aes128.pskcxml")
        return "000102030405060708090a0b0c0d0e0f";
    return "";
}

TEST(PythonPskc, EveryFileDecodesToTheSameSeeds) {
    const auto rows = manifest();
    ASSERT_EQ(rows.size(), 15U);
    std::map<std::string, Collected> by_file;
    for (const auto& row : rows) {
        if (!by_file.contains(row.file)) {
            auto got = read_file_pskc(test::pskc_vector(row.file), key_for(row.file),
                                      row.file == "pp-pbkdf2.pskcxml" ? "qwerty" : "");
            ASSERT_TRUE(got) << row.file << ": " << got.error().message;
            by_file[row.file] = std::move(*got);
        }
        const auto& tokens = by_file[row.file].tokens;
        const auto it = std::find_if(tokens.begin(), tokens.end(),
                                     [&](const auto& t) { return t.first.serial == row.serial; });
        ASSERT_NE(it, tokens.end()) << row.file << " " << row.serial;
        const TokenDescription& d = it->first;
        SCOPED_TRACE(row.file + " " + row.serial);
        EXPECT_EQ(it->second, row.seed);
        EXPECT_EQ(otp_type_name(d.type), row.type);
        EXPECT_EQ(hash_name(d.params.hash()), row.hash);
        EXPECT_EQ(d.params.digits(), row.digits);
        EXPECT_EQ(d.params.period(), row.period);
        EXPECT_EQ(d.offset_steps, row.drift);
        EXPECT_EQ(d.counter, row.counter);
        EXPECT_EQ(d.manufacturer, "oath.HW");
    }
}

TEST(PythonPskc, WrongPreSharedKeyLeavesRegistryUntouched) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    ImportRequest request;
    request.path = test::pskc_vector("pp-aes128-hmac-sha1.pskcxml");
    request.keys.key = test::secret_from_hex("00000000000000000000000000000000");
    auto result = import_file(registry, request, 1000);
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("wrong key or password"), std::string::npos);
    EXPECT_TRUE(registry.list()->empty());
}

TEST(PythonPskc, WrongKeyWrapKeyIsDetected) {
    auto got = read_file_pskc(test::pskc_vector("pp-kw-aes128.pskcxml"),
                              "000102030405060708090a0b0c0d0e0e");
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("wrong key or password"), std::string::npos);
}

// Bad input -------------------------------------------------------------------------------------

Result<Collected> read_text(const std::string& xml, const std::string& key_hex = "") {
    TempDir dir;
    test::write_file(dir.file("f.pskcxml"), xml);
    return read_file_pskc(dir.file("f.pskcxml"), key_hex);
}

std::string figure6_with(const std::string& from, const std::string& to) {
    std::string xml = test::read_file(test::pskc_vector("figure6.pskcxml"));
    const auto at = xml.find(from);
    if (at != std::string::npos)
        xml.replace(at, from.size(), to);
    return xml;
}

TEST(PskcBadInput, DoctypeIsRejected) {
    auto got = read_text(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
        "<KeyContainer Version=\"1.0\" xmlns=\"urn:ietf:params:xml:ns:keyprov:pskc\">&e;"
        "</KeyContainer>");
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("DOCTYPE"), std::string::npos);
}

TEST(PskcBadInput, MalformedXml) {
    auto got = read_text("<KeyContainer><KeyPackage></KeyContainer>");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, ErrorCode::invalid_input);
    EXPECT_NE(got.error().message.find("not well-formed XML"), std::string::npos);
}

TEST(PskcBadInput, NotPskc) {
    auto got = read_text("<html/>");
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("not a PSKC file"), std::string::npos);
}

TEST(PskcBadInput, UnknownAlgorithm) {
    auto got = read_text(figure6_with("keyprov:pskc:hotp", "keyprov:pskc:ocra"),
                         "12345678901234567890123456789012");
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("KeyPackage 1 (serial 987654321): unsupported algorithm"),
              std::string::npos);
}

TEST(PskcBadInput, TamperedValueMac) {
    auto got = read_text(figure6_with("Su+NvtQf", "Su+NvtQg"), "12345678901234567890123456789012");
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("ValueMAC does not match"), std::string::npos);
}

TEST(PskcBadInput, TruncatedCiphertext) {
    auto got =
        read_text(figure6_with("AAECAwQFBgcICQoLDA0OD+cIHItlB3Wra1DUpxVvOx2lef1VmNPCMl8jwZqIUqGv",
                               "AAECAwQFBgcICQoLDA0OD+cIHItlB3Wra1DUpxVvOx2l"),
                  "12345678901234567890123456789012");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, ErrorCode::crypto);
}

TEST(PskcBadInput, MissingValueMacOnCbcIsRefused) {
    std::string xml = test::read_file(test::pskc_vector("figure6.pskcxml"));
    const auto from = xml.find("<ValueMAC>");
    const auto to = xml.find("</ValueMAC>") + std::string_view("</ValueMAC>").size();
    xml.erase(from, to - from);
    auto got = read_text(xml, "12345678901234567890123456789012");
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("no ValueMAC"), std::string::npos);
}

TEST(PskcBadInput, KeyOfWrongLength) {
    auto got = read_file_pskc(test::pskc_vector("figure6.pskcxml"), "1234567890");
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find("needs 16"), std::string::npos);
}

TEST(PskcBadInput, ErrorsNeverContainTheSeed) {
    // A plain secret followed by a bad digits value: the message names the record only.
    std::string xml = test::read_file(test::pskc_vector("figure3.pskcxml"));
    xml.replace(xml.find("Length=\"8\""), 10, "Length=\"12\"");
    auto got = read_text(xml);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message.find("MTIzNDU2Nzg5MDEyMzQ1Njc4OTA"), std::string::npos);
    EXPECT_EQ(got.error().message.find("1234567890"), std::string::npos);
    EXPECT_NE(got.error().message.find("Length 12"), std::string::npos);
}

// ---- PSKC as real files are: versions, check digits, unsupported keys, drafts, policies ----

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

TEST(PskcVersion, AnyVersionButOnePointZeroIsRefused) {
    auto got = read_file_pskc(test::pskc_vector("version-1.1.pskcxml"));
    ASSERT_FALSE(got);
    EXPECT_TRUE(
        contains(got.error().message, "PSKC version '1.1' is not supported (accepted: 1.0)"))
        << got.error().message;
}

TEST(PskcCheckDigits, KeyWithLuhnDigitIsRefusedOrSkipped) {
    auto refused = read_file_pskc(test::pskc_vector("checkdigits.pskcxml"));
    ASSERT_FALSE(refused);
    EXPECT_TRUE(contains(refused.error().message,
                         "KeyPackage 1 (serial CHKD00000001): the codes end in a Luhn check digit"))
        << refused.error().message;
    auto skipped = read_file_pskc(test::pskc_vector("checkdigits.pskcxml"), "", "", true);
    ASSERT_TRUE(skipped) << skipped.error().message;
    ASSERT_EQ(skipped->tokens.size(), 1U);
    EXPECT_EQ(skipped->tokens[0].first.serial, "CHKD00000002");  // CheckDigits="false"
    EXPECT_EQ(skipped->skipped.size(), 1U);
}

TEST(PskcCheckDigits, NonBooleanValueIsAnError) {
    std::string xml = test::read_file(test::pskc_vector("checkdigits.pskcxml"));
    xml.replace(xml.find("CheckDigits=\"true\""), 18, "CheckDigits=\"yes\"");
    auto got = read_text(xml);
    ASSERT_FALSE(got);
    EXPECT_TRUE(contains(got.error().message, "CheckDigits 'yes' is not a boolean"))
        << got.error().message;
}

TEST(PskcSkipUnsupported, Figure5ImportsTheHotpKeyAndNamesThePinKey) {
    auto got = read_file_pskc(test::pskc_vector("figure5.pskcxml"), "", "", true);
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 1U);
    EXPECT_EQ(got->tokens[0].first.type, OtpType::hotp);
    ASSERT_EQ(got->skipped.size(), 1U);
    EXPECT_EQ(got->skipped[0].rfind("KeyPackage 2 (serial 987654321): unsupported algorithm "
                                    "'urn:ietf:params:xml:ns:keyprov:pskc:pin'",
                                    0),
              0U)
        << got->skipped[0];
}

TEST(PskcSkipUnsupported, KeyUsageWithoutOtpIsUnsupported) {
    std::string xml = test::read_file(test::pskc_vector("figure5.pskcxml"));
    xml.replace(xml.find("<KeyUsage>OTP</KeyUsage>"), 24, "<KeyUsage>Encrypt</KeyUsage>");
    auto got = read_text(xml);
    ASSERT_FALSE(got);
    EXPECT_TRUE(contains(got.error().message, "KeyUsage is Encrypt, not OTP"))
        << got.error().message;
}

TEST(PskcDrafts, DeviceLayoutWithKeyIdAndUsage) {
    auto got = read_file_pskc(test::pskc_vector("draft-device.pskcxml"));
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 2U);
    const auto& totp = got->tokens[0].first;
    EXPECT_EQ(totp.serial, "DRFT00000001");
    EXPECT_EQ(totp.type, OtpType::totp);
    EXPECT_EQ(totp.offset_steps, 4);
    EXPECT_EQ(totp.manufacturer, "TokenVendorAcme");
    const auto& hotp = got->tokens[1].first;
    EXPECT_EQ(hotp.serial, "DRFT00000002");  // no SerialNo: the KeyId
    EXPECT_EQ(hotp.counter, 2U);
    EXPECT_EQ(hotp.params.digits(), 8);
    EXPECT_EQ(got->tokens[1].second, rfc_secret);
}

TEST(PskcDrafts, SecretContainerWithNamedDataValues) {
    auto got = read_file_pskc(test::pskc_vector("draft-secretcontainer.pskcxml"));
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 1U);
    const auto& d = got->tokens[0].first;
    EXPECT_EQ(d.serial, "DRFT00000011");
    EXPECT_EQ(d.type, OtpType::hotp);
    EXPECT_EQ(d.counter, 7U);  // 8 big-endian bytes
    EXPECT_EQ(d.label, "MyFirstToken");
    EXPECT_EQ(got->tokens[0].second, rfc_secret);
}

TEST(PskcDrafts, EncryptedWithTheFilesIvAndDigestOverThePlaintext) {
    auto got = read_file_pskc(test::pskc_vector("draft-encrypted.pskcxml"),
                              "12345678901234567890123456789012");
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 1U);
    EXPECT_EQ(got->tokens[0].first.serial, "DRFT00000021");
    EXPECT_EQ(got->tokens[0].first.counter, 3U);
    EXPECT_EQ(got->tokens[0].first.params.digits(), 8);
    EXPECT_EQ(got->tokens[0].second, rfc_secret);
    auto wrong = read_file_pskc(test::pskc_vector("draft-encrypted.pskcxml"),
                                "12345678901234567890123456789013");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, ErrorCode::crypto);
    EXPECT_TRUE(contains(wrong.error().message, "wrong key or password")) << wrong.error().message;
}

TEST(PskcMac, MacOverThePlaintextIsAcceptedAndSaidOnce) {
    auto got = read_file_pskc(test::pskc_vector("mac-over-plaintext.pskcxml"),
                              "12345678901234567890123456789012");
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 1U);
    EXPECT_EQ(got->tokens[0].second, rfc_secret);
    ASSERT_EQ(got->warnings.size(), 1U);
    EXPECT_TRUE(contains(got->warnings[0], "as the pre-RFC 6030 drafts did")) << got->warnings[0];
}

TEST(PskcMac, MacOverThePlaintextWithAWrongKeyIsStillAWrongKey) {
    auto got = read_file_pskc(test::pskc_vector("mac-over-plaintext.pskcxml"),
                              "12345678901234567890123456789013");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, ErrorCode::crypto);
    EXPECT_TRUE(contains(got.error().message, "wrong key or password")) << got.error().message;
}

TEST(PskcPolicy, ExpiredPinLimitAndUnknownElementsWarn) {
    auto got = read_file_pskc(test::pskc_vector("policy.pskcxml"), "", "", false, 1700000000);
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->tokens.size(), 1U);
    EXPECT_EQ(got->tokens[0].first.owner, "dave");  // Key/UserId
    std::string all;
    for (const auto& w : got->warnings)
        all += w + "\n";
    EXPECT_TRUE(contains(all,
                         "KeyPackage 1 (serial PLCY00000001): the key's ExpiryDate "
                         "2010-05-31T00:00:00Z has passed"))
        << all;
    EXPECT_TRUE(contains(all, "PINUsageMode Append")) << all;
    EXPECT_TRUE(contains(all, "100 uses (NumberOfTransactions)")) << all;
    EXPECT_TRUE(contains(all, "Policy element <GeoFence> is not known")) << all;
    EXPECT_FALSE(contains(all, "StartDate")) << all;  // 2006: already begun
}

TEST(PskcPolicy, NoExpiryWarningWithoutAnImportTime) {
    auto got = read_file_pskc(test::pskc_vector("policy.pskcxml"));
    ASSERT_TRUE(got) << got.error().message;
    for (const auto& w : got->warnings)
        EXPECT_FALSE(contains(w, "ExpiryDate")) << w;
}

}  // namespace import_pskc_test
}  // namespace hwtotp::store
