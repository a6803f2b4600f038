// The store's refusals speak the store's terms: none names a command-line option ("--replace")
// or an hwtotp command ("hwtotp tokens list"); each ends in the advice of store/hints.h, which
// the CLI words as its own options.

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "hwtotp/store/hints.h"
#include "hwtotp/store/import.h"
#include "hwtotp/store/registry.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace store_messages_test {

using test::TempDir;

constexpr const char* seed_hex = "3132333435363738393031323334353637383930";
constexpr const char* psk_hex = "12345678901234567890123456789012";

class StoreMessages : public ::testing::Test {
  protected:
    Result<ImportSummary> import_csv(const std::string& text, PskcKeys keys = {}) {
        test::write_file(dir.file("in.csv"), text);
        ImportRequest request;
        request.path = dir.file("in.csv");
        request.keys = std::move(keys);
        return import_file(registry, request, 1000);
    }
    Result<ImportSummary> import_pskc(const std::string& vector, PskcKeys keys = {}) {
        ImportRequest request;
        request.path = test::pskc_vector(vector);
        request.keys = std::move(keys);
        return import_file(registry, request, 1000);
    }

    // The message of a refusal, which must speak no CLI and end in the store's `advice`.
    template <typename T>
    static std::string refusal(const Result<T>& result, std::string_view advice) {
        EXPECT_FALSE(result);
        if (result)
            return {};
        const std::string& message = result.error().message;
        EXPECT_EQ(message.find("--"), std::string::npos) << message;
        EXPECT_EQ(message.find("hwtotp "), std::string::npos) << message;
        EXPECT_NE(message.find(advice), std::string::npos) << message;
        return message;
    }

    TempDir dir;
    Registry registry = test::open_registry(dir);
};

TEST_F(StoreMessages, AnUnknownSerialAdvisesListingTheTokensAndNamesNoCommand) {
    refusal(registry.get("NOPE0001"), hint::list_tokens);
    refusal(registry.remove("NOPE0001"), hint::list_tokens);
}

TEST_F(StoreMessages, ASerialTwiceInAFileOrAlreadyHeldAdvisesReplacingAndNamesNoOption) {
    const std::string line = std::string("A0000001,") + seed_hex + "\n";
    refusal(import_csv(line + line), hint::allow_replace);
    ASSERT_TRUE(import_csv(line));
    refusal(import_csv(line), hint::allow_replace);
}

TEST_F(StoreMessages, AKeyGivenForACsvFileIsRefusedWithoutNamingTheKeyOptions) {
    PskcKeys keys;
    keys.key = test::secret_from_hex(psk_hex);
    const auto message =
        refusal(import_csv(std::string("A0000001,") + seed_hex + "\n", std::move(keys)),
                hint::pskc_secret_given);
    EXPECT_NE(message.find("csv file"), std::string::npos) << message;
}

TEST_F(StoreMessages, AnEncryptedPskcFileWithoutItsSecretAdvisesGivingItNotAnOption) {
    refusal(import_pskc("pp-pbkdf2.pskcxml"), hint::give_pskc_password);
    refusal(import_pskc("pp-aes128-hmac-sha1.pskcxml"), hint::give_pskc_key);
    PskcKeys password;
    password.password = test::secret_from_hex("70617373");
    refusal(import_pskc("pp-aes128-hmac-sha1.pskcxml", std::move(password)), hint::give_pskc_key);
}

TEST_F(StoreMessages, AnUnknownImportFormatIsNamedAsAFormatNotAsAnOption) {
    const auto message = refusal(parse_import_format("yaml"), "import format 'yaml'");
    EXPECT_NE(message.find("(accepted: pskc,"), std::string::npos) << message;
}

TEST_F(StoreMessages, AFileThatIsNotADatabaseAsksWhetherThePathIsRightWithoutAnOption) {
    test::write_file(dir.file("notadb"), std::string(4096, 'x'));
    Registry::Options options{RegistryPaths{dir.file("notadb"), dir.file("tokens.key")}, 5000};
    options.access = Registry::Access::read;
    refusal(Registry::open(options), hint::check_registry_path);
}

}  // namespace store_messages_test
}  // namespace hwtotp::store
