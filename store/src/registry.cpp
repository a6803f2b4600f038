// The token registry above its storage (backend.h): opening either backend, the key check,
// sealing and opening seeds, imports; each state change is the backend's one atomic statement.

#include "hwtotp/store/registry.h"

#include <cstdint>
#include <future>
#include <optional>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "backend.h"
#include "crypto.h"
#include "hwtotp/store/hints.h"
#include "key_check.h"
#include "postgres_backend.h"
#include "seed_aad.h"
#include "sqlite_backend.h"

namespace hwtotp::store {

class Registry::Impl {
  public:
    Impl(RegistryPaths p, std::unique_ptr<RegistryBackend> b, std::optional<crypto::SeedBox> s)
        : paths(std::move(p)), backend(std::move(b)), box(std::move(s)) {}

    RegistryPaths paths;
    std::unique_ptr<RegistryBackend> backend;
    // None when the registry has no key check and no token: nothing is sealed (key_check.h).
    std::optional<crypto::SeedBox> box;

    Result<crypto::SeedBox*> seed_box() {
        if (!box)
            return fail(ErrorCode::registry, "registry " + paths.db + " has no master key yet");
        return &*box;
    }
};

Registry::Registry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;
Registry::~Registry() = default;

const RegistryPaths& Registry::paths() const {
    return impl_->paths;
}

namespace {

// OpenSSL's first use on a thread of its own, when the options allow one (registry.h) and the
// opening is long enough to hide it: a PostgreSQL registry (loading libpq, connecting). A
// SQLite file opens in less than a thread costs to start and join. The future waits for the
// thread when it goes, so it never outlives the open.
std::future<void> warm_crypto(const Registry::Options& options) {
    if (!options.warm_crypto_while_opening || !options.paths.is_postgres())
        return {};
    try {
        return std::async(std::launch::async, crypto::warm_up_seed_cipher);
    } catch (const std::system_error&) {
        return {};  // no thread: SeedBox::create does it in its turn
    }
}

// The registry opened as `options` ask, or null when a reader found an older schema: upgrading
// writes, so the caller opens it again for writing (after this connection is closed).
Result<std::unique_ptr<Registry::Impl>> open_current(const Registry::Options& options) {
    const RegistryPaths& paths = options.paths;
    std::future<void> warming = warm_crypto(options);
    HWTOTP_ASSIGN_OR_RETURN(auto backend, paths.is_postgres() ? open_postgres_backend(options)
                                                              : open_sqlite_backend(options));
    if (!backend)
        return std::unique_ptr<Registry::Impl>{};
    if (warming.valid())
        warming.wait();  // one fetch, not two racing for OpenSSL's tables
    HWTOTP_ASSIGN_OR_RETURN(auto box, unlock_seeds(*backend, paths, options.access));
    HWTOTP_TRY(backend->finish_open(box ? &*box : nullptr));
    return std::make_unique<Registry::Impl>(paths, std::move(backend), std::move(box));
}

}  // namespace

Result<Registry> Registry::open(const Options& options) {
    if (options.paths.db.empty() || options.paths.key.empty())
        return fail(ErrorCode::registry, "no registry path given");
    HWTOTP_ASSIGN_OR_RETURN(auto impl, open_current(options));
    if (!impl) {
        Options upgrade = options;  // the one write a reader may cause
        upgrade.access = Access::write;
        HWTOTP_ASSIGN_OR_RETURN(impl, open_current(upgrade));
    }
    return Registry(std::move(impl));
}

// ---------------------------------------------------------------------------------------------
// Import

class Import::Impl {
  public:
    Impl(Registry::Impl& r, std::unique_ptr<ImportSession> s, bool rep, std::int64_t n)
        : registry(r), session(std::move(s)), replace(rep), now(n) {}

    Registry::Impl& registry;
    std::unique_ptr<ImportSession> session;
    bool replace;
    std::int64_t now;
    std::optional<Import::Sealer> own_sealer;  // for add(NewToken), made on first use
    std::unordered_set<std::string> seen;
    std::size_t added = 0;
    std::size_t replaced = 0;
};

Import::Import(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Import::Import(Import&&) noexcept = default;
Import& Import::operator=(Import&&) noexcept = default;
Import::~Import() = default;

std::size_t Import::added() const {
    return impl_->added;
}
std::size_t Import::replaced() const {
    return impl_->replaced;
}

class Import::Sealer::Impl {
  public:
    explicit Impl(crypto::SeedBox b) : box(std::move(b)) {}
    crypto::SeedBox box;
};

Import::Sealer::Sealer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Import::Sealer::Sealer(Sealer&&) noexcept = default;
Import::Sealer& Import::Sealer::operator=(Sealer&&) noexcept = default;
Import::Sealer::~Sealer() = default;

Result<SealedToken> Import::Sealer::seal(NewToken token, std::string_view what) {
    TokenDescription& d = token.description;
    // The one check every importer passes through (totp/limits.h). A bad serial is not
    // echoed: it is what failed the check.
    if (auto ok = check_new_token(token); !ok) {
        const bool serial_ok = static_cast<bool>(check_serial(d.serial));
        return tl::unexpected(with_context(
            std::string(what) + (serial_ok ? " (serial " + d.serial + "): " : ": "), ok.error()));
    }
    auto sealed = impl_->box.seal(token.seed.expose(), seed_aad(d.serial, d.type, d.params));
    if (!sealed)
        return tl::unexpected(sealed.error());
    return SealedToken(std::move(d), std::move(sealed->nonce), std::move(sealed->ciphertext));
}

Result<Import::Sealer> Import::sealer() const {
    HWTOTP_ASSIGN_OR_RETURN(crypto::SeedBox * registry_box, impl_->registry.seed_box());
    HWTOTP_ASSIGN_OR_RETURN(auto box, registry_box->another());
    return Sealer(std::make_unique<Sealer::Impl>(std::move(box)));
}

Result<Import::Sealer> Registry::sealer() const {
    HWTOTP_ASSIGN_OR_RETURN(crypto::SeedBox * registry_box, impl_->seed_box());
    HWTOTP_ASSIGN_OR_RETURN(auto another_box, registry_box->another());
    return Import::Sealer(std::make_unique<Import::Sealer::Impl>(std::move(another_box)));
}

Result<Import> Registry::begin_import(bool replace, std::int64_t now) {
    HWTOTP_ASSIGN_OR_RETURN(auto session, impl_->backend->begin_import());
    return Import(std::make_unique<Import::Impl>(*impl_, std::move(session), replace, now));
}

Result<void> Import::add(NewToken token, std::string_view what) {
    if (!impl_->own_sealer) {
        HWTOTP_ASSIGN_OR_RETURN(auto made, sealer());
        impl_->own_sealer.emplace(std::move(made));
    }
    HWTOTP_ASSIGN_OR_RETURN(auto sealed, impl_->own_sealer->seal(std::move(token), what));
    return add(std::move(sealed), what);
}

Result<void> Import::add(SealedToken token, std::string_view what) {
    Impl& im = *impl_;
    const TokenDescription& d = token.description();
    // Built only on failure: a successful add costs no message allocation.
    const auto prefix = [&] { return std::string(what) + " (serial " + d.serial + "): "; };
    const bool again = !im.seen.insert(d.serial).second;
    if (again && !im.replace) {
        return fail(ErrorCode::invalid_input,
                    prefix() + "the serial appears more than once in the file (" +
                        std::string(hint::allow_replace) + " to let the later record win)");
    }
    // A registry empty when the import began (others are kept out until commit) holds a serial
    // exactly when this import added it, which `seen` knows: no lookup per key.
    bool present = again;
    if (!im.session->started_empty()) {
        auto found = im.session->contains(d.serial);
        if (!found)
            return fail(found.error().code, prefix() + found.error().message);
        present = *found;
    }
    if (present && !im.replace && !again) {
        return fail(ErrorCode::invalid_input,
                    prefix() + "a token with this serial is already in the registry (" +
                        std::string(hint::allow_replace) + " to overwrite it)");
    }
    auto written = im.session->write(token, present, im.now);
    if (!written)
        return fail(written.error().code, prefix() + written.error().message);
    if (*written == ImportWrite::owner_taken) {
        return fail(ErrorCode::invalid_input,
                    prefix() + "its owner " + d.owner +
                        " already has a token in the registry or earlier in the file (one "
                        "token per owner)");
    }
    if (present)
        ++im.replaced;
    else
        ++im.added;
    return {};
}

Result<void> Import::commit() {
    return impl_->session->commit();
}

// ---------------------------------------------------------------------------------------------
// Reads

Result<TokenInfo> Registry::info(std::string_view serial) {
    HWTOTP_ASSIGN_OR_RETURN(auto stored, impl_->backend->token(serial));
    return std::move(stored.info);
}

namespace {

// The token with its seed opened; a registry error naming the token when it does not open.
Result<Token> unseal(Registry::Impl& impl, StoredToken& stored) {
    HWTOTP_ASSIGN_OR_RETURN(crypto::SeedBox * box, impl.seed_box());
    const TokenDescription& d = stored.info.description;
    // The parameters as stored are part of the associated data: a row whose type, hash,
    // digits, period or T0 was changed does not open (seed_aad.h).
    auto seed = box->open(stored.nonce, stored.sealed, seed_aad(d.serial, d.type, d.params));
    if (!seed) {
        return fail(
            ErrorCode::registry,
            "registry " + impl.paths.db + ": the seed of token " + d.serial +
                " does not decrypt (the record was altered, its parameters changed, or it was "
                "moved from another row)");
    }
    return Token{std::move(stored.info), std::move(*seed)};
}

Result<void> walk(Registry::Impl& impl, const std::vector<std::string>& serials,
                  const StoredTokenVisitor& visit) {
    HWTOTP_ASSIGN_OR_RETURN(const auto absent, impl.backend->walk_tokens(serials, visit));
    if (absent) {
        return fail(ErrorCode::not_found,
                    "no token with serial " + *absent + " in the registry " + impl.paths.db);
    }
    return {};
}

}  // namespace

Result<Token> Registry::get(std::string_view serial) {
    HWTOTP_ASSIGN_OR_RETURN(auto stored, impl_->backend->token(serial));
    return unseal(*impl_, stored);
}

Result<void> Registry::for_each_token(const std::vector<std::string>& serials,
                                      const std::function<Result<void>(Token&)>& visit) {
    return walk(*impl_, serials, [&](StoredToken& stored) -> Result<void> {
        // Wiped (Secret) when `token` goes, before the next row is read, unless visit took it.
        HWTOTP_ASSIGN_OR_RETURN(Token token, unseal(*impl_, stored));
        return visit(token);
    });
}

Result<void> Registry::for_each_token_info(
    const std::vector<std::string>& serials,
    const std::function<Result<void>(const TokenInfo&)>& visit) {
    return walk(*impl_, serials, [&](StoredToken& stored) { return visit(stored.info); });
}

Result<std::vector<TokenInfo>> Registry::list() {
    return impl_->backend->list();
}

Result<std::vector<HistoryEntry>> Registry::history(std::string_view serial) {
    HWTOTP_ASSIGN_OR_RETURN(auto entries, impl_->backend->history(serial));
    // Only an empty history can be an absent token's: a verify, which has just read the token,
    // is spared a second look-up (a round trip to a PostgreSQL server).
    if (entries.empty())
        HWTOTP_TRY(info(serial));
    return entries;
}

// ---------------------------------------------------------------------------------------------
// Writes: each one atomic statement of the backend (registry.h, "Attempts").

namespace {

Result<std::int64_t> stored_step(std::uint64_t step) {
    if (step > static_cast<std::uint64_t>(INT64_MAX))
        return fail(ErrorCode::invalid_input, "step out of range");
    return static_cast<std::int64_t>(step);
}

Result<std::int64_t> stored_counter(std::uint64_t counter) {
    if (counter >= static_cast<std::uint64_t>(INT64_MAX))
        return fail(ErrorCode::invalid_input, "counter out of range");
    return static_cast<std::int64_t>(counter);
}

}  // namespace

Result<void> Registry::remove(std::string_view serial) {
    return impl_->backend->remove(serial);
}

Result<AcceptOutcome> Registry::record_accept(std::string_view serial, std::uint64_t step,
                                              std::int64_t new_offset, std::int64_t at,
                                              ObservedBy how) {
    HWTOTP_ASSIGN_OR_RETURN(const std::int64_t stored, stored_step(step));
    return impl_->backend->record_step(StepRecord{serial, stored, new_offset, at, how, true});
}

Result<AcceptOutcome> Registry::record_hotp_accept(std::string_view serial, std::uint64_t counter) {
    HWTOTP_ASSIGN_OR_RETURN(const std::int64_t stored, stored_counter(counter));
    return impl_->backend->record_counter(serial, stored, nullptr);
}

Result<FailureOutcome> Registry::record_failure(std::string_view serial, int max_failures,
                                                std::int64_t at) {
    return impl_->backend->count_failure(serial, max_failures, at);
}

Result<AttemptReservation> Registry::reserve_attempt(std::string_view serial, std::int64_t now,
                                                     const AttemptRules& rules) {
    return impl_->backend->reserve_attempt(serial, now, rules);
}

Result<AcceptOutcome> Registry::record_accept(std::string_view serial, const Attempt& attempt,
                                              std::uint64_t step, std::int64_t new_offset,
                                              std::int64_t at, ObservedBy how) {
    HWTOTP_ASSIGN_OR_RETURN(const std::int64_t stored, stored_step(step));
    return impl_->backend->record_step(
        StepRecord{serial, stored, new_offset, at, how, true, &attempt});
}

Result<AcceptOutcome> Registry::record_hotp_accept(std::string_view serial, const Attempt& attempt,
                                                   std::uint64_t counter) {
    HWTOTP_ASSIGN_OR_RETURN(const std::int64_t stored, stored_counter(counter));
    return impl_->backend->record_counter(serial, stored, &attempt);
}

Result<FailureOutcome> Registry::record_failure(std::string_view serial, const Attempt& attempt,
                                                std::int64_t at) {
    return impl_->backend->settle_failure(serial, attempt, at);
}

Result<void> Registry::release_attempt(std::string_view serial, const Attempt& attempt) {
    return impl_->backend->release_attempt(serial, attempt);
}

Result<AcceptOutcome> Registry::record_resync(std::string_view serial, std::uint64_t last_step,
                                              std::int64_t offset, std::int64_t at,
                                              ObservedBy how) {
    HWTOTP_ASSIGN_OR_RETURN(const std::int64_t stored, stored_step(last_step));
    // A lock does not stop a resync from being recorded; it stays until unlock().
    return impl_->backend->record_step(StepRecord{serial, stored, offset, at, how, false});
}

Result<void> Registry::assign_owner(std::string_view serial, std::string_view owner) {
    HWTOTP_TRY(check_owner(owner));
    return impl_->backend->assign_owner(serial, owner);
}

Result<void> Registry::unassign_owner(std::string_view serial) {
    return impl_->backend->unassign_owner(serial);
}

Result<std::optional<std::string>> Registry::token_of_owner(std::string_view owner) {
    return impl_->backend->token_of_owner(owner);
}

Result<void> Registry::unlock(std::string_view serial) {
    return impl_->backend->unlock(serial);
}

// ---------------------------------------------------------------------------------------------
// Copy

namespace {

// The source's key check opens under the target's key: the sealed seeds will open there too.
Result<void> require_same_key(RegistryBackend& source, crypto::SeedBox* target_box,
                              const RegistryPaths& source_paths,
                              const RegistryPaths& target_paths) {
    HWTOTP_ASSIGN_OR_RETURN(auto check, source.key_check());
    if (!check)
        return {};  // nothing was ever sealed in the source
    if (target_box == nullptr || !key_opens_check(*check, *target_box)) {
        return fail(ErrorCode::registry,
                    "registry " + source_paths.db + " and registry " + target_paths.db +
                        " have different master keys (" + source_paths.key + ", " +
                        target_paths.key +
                        "): sealed seeds are copied as they are, so both must use the same key "
                        "file; nothing was copied");
    }
    return {};
}

}  // namespace

Result<CopySummary> Registry::copy_from(Registry& source, bool merge) {
    RegistryBackend& from = *source.impl_->backend;
    HWTOTP_ASSIGN_OR_RETURN(crypto::SeedBox * box, impl_->seed_box());
    HWTOTP_TRY(require_same_key(from, box, source.impl_->paths, impl_->paths));
    HWTOTP_ASSIGN_OR_RETURN(auto tokens, from.list());
    HWTOTP_ASSIGN_OR_RETURN(auto session, impl_->backend->begin_import());
    if (!session->started_empty() && !merge) {
        return fail(ErrorCode::invalid_input,
                    "registry " + impl_->paths.db +
                        " already holds tokens: nothing was copied (merging the two was not "
                        "asked for)");
    }
    CopySummary summary;
    for (const TokenInfo& info : tokens) {
        const std::string& serial = info.description.serial;
        HWTOTP_ASSIGN_OR_RETURN(auto stored, from.token(serial));
        HWTOTP_ASSIGN_OR_RETURN(auto history, from.history(serial));
        bool present = false;
        if (!session->started_empty()) {
            HWTOTP_ASSIGN_OR_RETURN(present, session->contains(serial));
        }
        HWTOTP_ASSIGN_OR_RETURN(const ImportWrite written,
                                session->write_copy(stored, history, present));
        if (written == ImportWrite::owner_taken) {
            return fail(ErrorCode::invalid_input,
                        "token " + serial + ": its owner " + info.description.owner +
                            " already has another token in registry " + impl_->paths.db +
                            " (one token per owner); nothing was copied");
        }
        ++(present ? summary.replaced : summary.added);
    }
    HWTOTP_TRY(session->commit());
    return summary;
}

}  // namespace hwtotp::store
