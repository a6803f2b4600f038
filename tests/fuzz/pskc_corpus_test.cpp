// The keyed PSKC seeds of the fuzz corpus open with the key or password they carry: every
// record is imported, so the fuzzer starts past the MAC checks and into the ciphers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>

#include "hwtotp/store/import.h"
#include "pskc_fuzz_input.h"

namespace hwtotp::fuzz {
namespace {

TEST(FuzzPskcCorpus, EveryKeyedSeedImportsWithWhatItCarries) {
    std::size_t keyed = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(HWTOTP_FUZZ_CORPUS) + "/pskc")) {
        if (entry.path().extension() != ".keyed")
            continue;
        ++keyed;
        std::ifstream file(entry.path(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(file)), {});
        const FuzzInput in = split_input(bytes);
        store::PskcKeys keys;
        const auto key = from_hex(in.key_hex);
        if (key)
            keys.key = Secret(std::span<const std::uint8_t>(*key));
        if (!in.password.empty()) {
            keys.password = Secret(std::span<const std::uint8_t>(
                reinterpret_cast<const std::uint8_t*>(in.password.data()), in.password.size()));
        }
        EXPECT_TRUE(key || !in.password.empty()) << entry.path() << " carries no key";
        std::size_t sunk = 0;
        store::ImportCallbacks callbacks;
        callbacks.sink = [&](store::NewToken&& token, std::string_view) -> Result<void> {
            EXPECT_FALSE(token.seed.empty());
            ++sunk;
            return {};
        };
        const auto read =
            store::read_pskc(in.document, entry.path().filename().string(), keys, callbacks);
        ASSERT_TRUE(read) << read.error().message;
        EXPECT_GE(*read, 1U) << entry.path();
        EXPECT_EQ(sunk, *read) << entry.path();
        // Without what it carries, the same document is refused (it is really encrypted).
        const auto bare = store::read_pskc(in.document, "bare", store::PskcKeys{}, callbacks);
        EXPECT_FALSE(bare) << entry.path() << " opens without its key";
    }
    EXPECT_GE(keyed, 4U);
}

}  // namespace
}  // namespace hwtotp::fuzz
