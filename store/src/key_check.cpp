// The key check value: which key file belongs to a registry (key_check.h).

#include "key_check.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "key_file.h"

namespace hwtotp::store {
namespace {

constexpr std::string_view key_check_name = "key_check";
constexpr std::string_view key_check_aad = "hwtotp registry key check v1";
constexpr std::string_view key_check_plain = "hwtotp";

std::span<const std::uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Result<std::optional<std::vector<std::uint8_t>>> read_key_check(sql::Db& db) {
    HWTOTP_ASSIGN_OR_RETURN(auto check, db.prepare("SELECT value FROM meta WHERE name = ?"));
    check.bind(1, key_check_name);
    HWTOTP_ASSIGN_OR_RETURN(const bool found, check.step());
    if (!found)
        return std::optional<std::vector<std::uint8_t>>{};
    return std::optional<std::vector<std::uint8_t>>{check.column_blob(0)};
}

Result<bool> holds_tokens(sql::Db& db) {
    HWTOTP_ASSIGN_OR_RETURN(auto any, db.prepare("SELECT 1 FROM tokens LIMIT 1"));
    return any.step();
}

// Seals the constant under the key and stores it, unless another process stored one first
// (INSERT OR IGNORE); returns the value now stored, which the caller checks against the key.
Result<std::vector<std::uint8_t>> store_key_check(sql::Db& db, crypto::SeedBox& box) {
    HWTOTP_ASSIGN_OR_RETURN(auto sealed,
                            box.seal(bytes_of(key_check_plain), bytes_of(key_check_aad)));
    std::vector<std::uint8_t> value = sealed.nonce;
    value.insert(value.end(), sealed.ciphertext.begin(), sealed.ciphertext.end());
    HWTOTP_ASSIGN_OR_RETURN(auto insert,
                            db.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)"));
    insert.bind(1, key_check_name).bind_blob(2, value);
    HWTOTP_TRY(insert.run());
    HWTOTP_ASSIGN_OR_RETURN(auto stored, read_key_check(db));
    if (!stored)
        return fail(ErrorCode::registry, "registry " + db.path() + ": the key check vanished");
    return std::move(*stored);
}

Result<void> verify_key_check(const std::vector<std::uint8_t>& value, crypto::SeedBox& box,
                              const RegistryPaths& paths) {
    if (value.size() < crypto::gcm_nonce_size)
        return fail(ErrorCode::registry, "registry " + paths.db + ": the key check is damaged");
    const std::span<const std::uint8_t> all(value);
    auto opened = box.open(all.first(crypto::gcm_nonce_size), all.subspan(crypto::gcm_nonce_size),
                           bytes_of(key_check_aad));
    if (!opened) {
        return fail(ErrorCode::registry,
                    "key file " + paths.key + " does not belong to registry " + paths.db +
                        " (restore the matching key file, or check HWTOTP_KEY_FILE)");
    }
    return {};
}

}  // namespace

Result<std::optional<crypto::SeedBox>> unlock_seeds(sql::Db& db, const RegistryPaths& paths,
                                                    Registry::Access access) {
    if (access != Registry::Access::read)
        remove_stale_key_temporaries(paths.key);
    HWTOTP_ASSIGN_OR_RETURN(auto check, read_key_check(db));
    if (!check) {
        HWTOTP_ASSIGN_OR_RETURN(const bool has_tokens, holds_tokens(db));
        if (has_tokens) {
            return fail(ErrorCode::registry,
                        "registry " + paths.db +
                            " holds tokens but no key check: it was altered, and a new key "
                            "would never open their seeds (restore the registry from a backup)");
        }
        if (access != Registry::Access::create)
            return std::optional<crypto::SeedBox>{};
    }
    HWTOTP_ASSIGN_OR_RETURN(
        auto key, check ? load_master_key(paths.key) : create_or_load_master_key(paths.key));
    HWTOTP_ASSIGN_OR_RETURN(auto box, crypto::SeedBox::create(key));
    if (!check) {
        HWTOTP_ASSIGN_OR_RETURN(check, store_key_check(db, box));
    }
    HWTOTP_TRY(verify_key_check(*check, box, paths));
    return std::optional<crypto::SeedBox>{std::move(box)};
}

}  // namespace hwtotp::store
