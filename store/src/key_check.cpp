// The key check value: which key file belongs to a registry (key_check.h).

#include "key_check.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "key_file.h"

namespace hwtotp::store {
namespace {

constexpr std::string_view key_check_aad = "hwtotp registry key check v1";
constexpr std::string_view key_check_plain = "hwtotp";

std::span<const std::uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Seals the constant under the key and stores it, unless another process stored one first;
// returns the value now stored, which the caller checks against the key.
Result<std::vector<std::uint8_t>> store_key_check(RegistryBackend& backend, crypto::SeedBox& box) {
    HWTOTP_ASSIGN_OR_RETURN(auto sealed,
                            box.seal(bytes_of(key_check_plain), bytes_of(key_check_aad)));
    std::vector<std::uint8_t> value = sealed.nonce;
    value.insert(value.end(), sealed.ciphertext.begin(), sealed.ciphertext.end());
    return backend.store_key_check(value);
}

Result<void> verify_key_check(const std::vector<std::uint8_t>& value, crypto::SeedBox& box,
                              const RegistryPaths& paths) {
    if (value.size() < crypto::gcm_nonce_size)
        return fail(ErrorCode::registry, "registry " + paths.db + ": the key check is damaged");
    if (!key_opens_check(value, box)) {
        return fail(ErrorCode::registry,
                    "key file " + paths.key + " does not belong to registry " + paths.db +
                        " (restore the matching key file, or check HWTOTP_KEY_FILE)");
    }
    return {};
}

}  // namespace

bool key_opens_check(const std::vector<std::uint8_t>& value, crypto::SeedBox& box) {
    if (value.size() < crypto::gcm_nonce_size)
        return false;
    const std::span<const std::uint8_t> all(value);
    return static_cast<bool>(box.open(all.first(crypto::gcm_nonce_size),
                                      all.subspan(crypto::gcm_nonce_size),
                                      bytes_of(key_check_aad)));
}

Result<std::optional<crypto::SeedBox>> unlock_seeds(RegistryBackend& backend,
                                                    const RegistryPaths& paths,
                                                    Registry::Access access) {
    if (access != Registry::Access::read)
        remove_stale_key_temporaries(paths.key);
    HWTOTP_ASSIGN_OR_RETURN(auto check, backend.key_check());
    if (!check) {
        HWTOTP_ASSIGN_OR_RETURN(const bool has_tokens, backend.holds_tokens());
        if (has_tokens) {
            return fail(ErrorCode::registry,
                        "registry " + backend.name() +
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
        HWTOTP_ASSIGN_OR_RETURN(check, store_key_check(backend, box));
    }
    HWTOTP_TRY(verify_key_check(*check, box, paths));
    return std::optional<crypto::SeedBox>{std::move(box)};
}

}  // namespace hwtotp::store
