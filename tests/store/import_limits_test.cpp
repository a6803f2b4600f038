// An import's slow part holds no lock, and the registry's one choke point (the Sealer) refuses
// what no importer may store.

#include <sys/stat.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "hwtotp/store/import.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace import_limits_test {

using test::TempDir;

constexpr const char* seed20 = "3132333435363738393031323334353637383930";

TEST(ImportLock, ReadingAndSealingHoldNoWriteLock) {
    // While the import is reading its file (the warning below is given from there), another
    // connection that will not wait at all (busy timeout 0) records a verify failure. Before,
    // the import held BEGIN IMMEDIATE from the start and that write failed "database is locked".
    TempDir dir;
    auto registry = test::open_registry(dir);
    {
        auto import = registry.begin_import(false, 1000);
        ASSERT_TRUE(import);
        ASSERT_TRUE(import->add(test::make_token("OTHER001", seed20), "setup"));
        ASSERT_TRUE(import->commit());
    }
    auto other = Registry::open(Registry::Options{test::paths_in(dir), 0});
    ASSERT_TRUE(other) << other.error().message;
    test::write_file(dir.file("t.csv"), "A0000001," + std::string(seed20) +
                                            "\nSHORT001,31323334353637383930\n" + "A0000003," +
                                            seed20 + "\n");
    std::optional<Result<FailureOutcome>> written_meanwhile;
    ImportCallbacks callbacks;
    callbacks.warn = [&](const std::string&) {
        written_meanwhile = other->record_failure("OTHER001", 10, 1100);
    };
    ImportRequest request;
    request.path = dir.file("t.csv");
    auto summary = import_file(registry, request, 1000, callbacks);
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->added, 3U);
    ASSERT_TRUE(written_meanwhile.has_value());
    ASSERT_TRUE(*written_meanwhile) << written_meanwhile->error().message;
    EXPECT_EQ((*written_meanwhile)->failures, 1);
}

TEST(ImportLock, TokensSealedBeforeTheTransactionAreAdded) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    auto sealer = registry.sealer();
    ASSERT_TRUE(sealer);
    auto sealed = sealer->seal(test::make_token("EARLY001", seed20), "record 1");
    ASSERT_TRUE(sealed) << sealed.error().message;
    auto import = registry.begin_import(false, 1000);
    ASSERT_TRUE(import);
    ASSERT_TRUE(import->add(std::move(*sealed), "record 1"));
    ASSERT_TRUE(import->commit());
    auto token = registry.get("EARLY001");
    ASSERT_TRUE(token) << token.error().message;
    EXPECT_EQ(test::hex_of(token->seed), seed20);
}

// Every importer, the vendor ones included, ends in Import::add or Sealer::seal: these refusals
// hold for all of them.
Error add_refused(NewToken token) {
    TempDir dir;
    auto registry = test::open_registry(dir);
    auto import = registry.begin_import(false, 1000);
    EXPECT_TRUE(import);
    auto added = import->add(std::move(token), "record 7");
    EXPECT_FALSE(added);
    return added ? Error{ErrorCode::internal, "accepted"} : added.error();
}

TEST(ImportLimits, SealerRefusesASeedOver1KiB) {
    NewToken token = test::make_token("BIG00001", seed20);
    token.seed = Secret::zeroed(1025);  // as a decrypted PSKC value or a vendor file may hold
    const auto error = add_refused(std::move(token));
    EXPECT_EQ(error.code, ErrorCode::invalid_input);
    EXPECT_EQ(error.message,
              "record 7 (serial BIG00001): the seed is 1025 bytes (accepted: 1 to 1024 bytes)");
}

TEST(ImportLimits, SealerRefusesTextFieldsOver1KiB) {
    using Field = std::string TokenDescription::*;
    for (const auto& [name, field] :
         {std::pair<std::string, Field>{"label", &TokenDescription::label},
          {"issuer", &TokenDescription::issuer},
          {"manufacturer", &TokenDescription::manufacturer}}) {
        NewToken token = test::make_token("TEXT0001", seed20);
        token.description.*field = std::string(15 << 20, 'x');  // a 15 MiB issuer once imported
        const auto error = add_refused(std::move(token));
        EXPECT_EQ(error.message, "record 7 (serial TEXT0001): the " + name +
                                     " is 15728640 bytes long (accepted: at most 1024 bytes)");
    }
}

TEST(ImportLimits, SealerRefusesACounterAbove2To63Minus1) {
    NewToken token = test::make_token("HOTP0001", seed20);
    token.description.type = OtpType::hotp;
    token.description.counter = 18446744073709551615ULL;
    const auto error = add_refused(std::move(token));
    EXPECT_EQ(error.message,
              "record 7 (serial HOTP0001): counter 18446744073709551615 is out of range "
              "(accepted: 0 to 9223372036854775807)");
}

TEST(ImportLimits, SealerDoesNotEchoARefusedSerial) {
    const auto error = add_refused(test::make_token("BAD\x1b]0;x\x07", seed20));
    EXPECT_EQ(error.message,
              "record 7: the serial has a space or non-printable character at position 4");
}

TEST(ImportLimits, Pbkdf2IterationCountIsCapped) {
    std::string xml = test::read_file(test::pskc_vector("figure7.pskcxml"));
    const auto at = xml.find("<IterationCount>1000</IterationCount>");
    ASSERT_NE(at, std::string::npos);
    xml.replace(at, 37, "<IterationCount>10000001</IterationCount>");
    PskcKeys keys;
    keys.password =
        Secret(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>("qwerty"), 6));
    ImportCallbacks callbacks;
    callbacks.sink = [](NewToken&&, std::string_view) -> Result<void> { return {}; };
    auto read = read_pskc(xml, "slow.pskcxml", keys, callbacks);
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().code, ErrorCode::invalid_input);
    EXPECT_NE(read.error().message.find(
                  "PBKDF2 IterationCount 10000001 is out of range (accepted: 1 to 10000000)"),
              std::string::npos)
        << read.error().message;
}

TEST(PskcKeyFiles, KeyFileIsHexWithAnOptionalFinalNewline) {
    TempDir dir;
    test::write_file(dir.file("k"), "00112233445566778899aabbccddeeff\r\n");
    auto key = read_key_file(dir.file("k"));
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(test::hex_of(*key), "00112233445566778899aabbccddeeff");
    test::write_file(dir.file("bad"), "0011zz\n");
    auto bad = read_key_file(dir.file("bad"));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, dir.file("bad") +
                                       ": invalid hex character 'z' at position 5 (accepted: "
                                       "0-9, a-f, A-F)");
}

TEST(PskcKeyFiles, PasswordAndKeyFilesReadableByOthersWarn) {
    TempDir dir;
    test::write_file(dir.file("pw"), "qwerty\n");
    ASSERT_EQ(::chmod(dir.file("pw").c_str(), 0640), 0);
    std::vector<std::string> warnings;
    auto password =
        read_password_file(dir.file("pw"), [&](const std::string& w) { warnings.push_back(w); });
    ASSERT_TRUE(password);
    EXPECT_EQ(password->size(), 6U);
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_NE(warnings[0].find("is readable by other users (fix with: chmod 600 "),
              std::string::npos);
    ASSERT_EQ(::chmod(dir.file("pw").c_str(), 0600), 0);
    warnings.clear();
    ASSERT_TRUE(
        read_password_file(dir.file("pw"), [&](const std::string& w) { warnings.push_back(w); }));
    EXPECT_TRUE(warnings.empty());
}

}  // namespace import_limits_test
}  // namespace hwtotp::store
