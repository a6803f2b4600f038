#include "store_test_util.h"

#include <sys/stat.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "crypto.h"
#include "hwtotp/totp/codec.h"

namespace hwtotp::store::test {

namespace {

// Forks a child that opens the registry at `paths` (exit 4 when it does not open) and exits with
// what `body` returns. Returns its pid.
template <typename Body>
pid_t fork_with_registry(const RegistryPaths& paths, Body body) {
    const pid_t pid = ::fork();
    if (pid != 0)
        return pid;
    auto registry = Registry::open({paths, 5000});
    ::_exit(registry ? body(*registry) : 4);
}

}  // namespace

pid_t fork_import_killed_halfway(const RegistryPaths& paths, const std::string& csv,
                                 std::int64_t now) {
    return fork_with_registry(paths, [&](Registry& registry) {
        ImportCallbacks callbacks;
        callbacks.progress = [](std::size_t, std::size_t) {
            static int calls = 0;
            if (++calls == 4)
                std::raise(SIGKILL);
        };
        ImportRequest request;
        request.path = csv;
        (void)import_file(registry, request, now, callbacks);
        return 0;
    });
}

pid_t fork_verifier(const RegistryPaths& paths, const std::string& serial,
                    const std::function<Code(std::uint64_t)>& code_at, std::uint64_t first_step,
                    std::int64_t first_time, int progress) {
    return fork_with_registry(paths, [&](Registry& registry) {
        for (std::uint64_t i = 0;; ++i) {
            VerifyRequest request{.serial = serial,
                                  .code = code_at(first_step + i),
                                  .now = first_time + static_cast<std::int64_t>(i) * 30};
            auto outcome = verify_token(registry, request);
            if (!outcome)
                return 4;
            if (outcome->status != VerifyStatus::accepted)
                return 1;
            const char done = 1;
            if (::write(progress, &done, 1) != 1)
                return 2;
        }
    });
}

RegistryPaths paths_in(const TempDir& dir) {
    return RegistryPaths{dir.file("tokens.db"), dir.file("tokens.key")};
}

Registry open_registry(const TempDir& dir) {
    return open_registry(paths_in(dir));
}

Registry open_registry(const RegistryPaths& paths) {
    auto registry = Registry::open(Registry::Options{paths, 5000});
    if (!registry)
        throw std::runtime_error("open_registry: " + registry.error().message);
    return std::move(*registry);
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

unsigned file_mode(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return 07777;
    return static_cast<unsigned>(st.st_mode & 0777);
}

std::string pskc_vector(const std::string& name) {
    return std::string(HWTOTP_VECTORS_DIR) + "/pskc/" + name;
}

std::string vendor_vector(const std::string& name) {
    return std::string(HWTOTP_VECTORS_DIR) + "/vendor/" + name;
}

Secret secret_from_hex(const std::string& hex) {
    auto secret = hex_decode_secret(hex);
    if (!secret)
        throw std::runtime_error("bad hex in test");
    return std::move(*secret);
}

std::string hex_of(const Secret& secret) {
    return hex_encode(secret.expose());
}

NewToken make_token(const std::string& serial, const std::string& seed_hex) {
    NewToken token;
    token.description.serial = serial;
    token.description.source = "test";
    token.seed = secret_from_hex(seed_hex);
    return token;
}

void seal_as_schema_two(const TempDir& dir, const std::string& serial,
                        const std::string& seed_hex) {
    const auto bytes_of = [](const std::string& text) {
        return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()),
                                             text.size());
    };
    const Secret key(bytes_of(read_file(dir.file("tokens.key"))));
    auto box = crypto::SeedBox::create(key);
    ASSERT_TRUE(box) << box.error().message;
    const Secret plain = secret_from_hex(seed_hex);
    auto sealed = box->seal(plain.expose(), bytes_of("hwtotp seed v1:" + serial));
    ASSERT_TRUE(sealed) << sealed.error().message;
    // Schema 4's owner column and index go (schema 4 adds them again when it migrates).
    if (sqlite_shell(dir.file("tokens.db"),
                     "SELECT count(*) FROM pragma_table_info('tokens') WHERE name = 'owner';") ==
        "1") {
        ASSERT_EQ(sqlite_shell(dir.file("tokens.db"),
                               "DROP INDEX tokens_by_owner; ALTER TABLE tokens DROP COLUMN owner;"),
                  "");
    }
    ASSERT_EQ(sqlite_shell(dir.file("tokens.db"),
                           "UPDATE tokens SET seed_nonce = X'" + hex_encode(sealed->nonce) +
                               "', seed_sealed = X'" + hex_encode(sealed->ciphertext) +
                               "' WHERE serial = '" + serial +
                               "'; PRAGMA user_version = 2; PRAGMA user_version;"),
              "2");
}

Result<std::vector<NewToken>> read_pskc_tokens(const std::string& path,
                                               const std::string& key_hex) {
    PskcKeys keys;
    keys.key = secret_from_hex(key_hex);
    std::vector<NewToken> read;
    ImportCallbacks callbacks;
    callbacks.sink = [&](NewToken&& token, std::string_view) -> Result<void> {
        read.push_back(std::move(token));
        return {};
    };
    HWTOTP_TRY(read_pskc_file(path, keys, callbacks));
    return read;
}

}  // namespace hwtotp::store::test
