#pragma once
// The registry's storage behind one interface, so that the same Registry (registry.cpp: the key
// check, sealing and opening seeds, the public API) runs over SQLite (sqlite_backend.cpp) or
// PostgreSQL (postgres_backend.cpp). Both keep the same schema semantics and the same contract:
// every state change that guards a verify (the replay check and record of an accepted step,
// counting an attempt, settling it, a resync) is ONE conditional statement, so any number of
// processes, on any number of hosts, never accept a code twice and never count more attempts
// than the lockout allows (registry.h, "Attempts"). Errors are ErrorCode::registry unless said.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto.h"
#include "hwtotp/store/registry.h"
#include "hwtotp/store/token.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::store {

// A token row as stored: everything but the plaintext seed, and the seed still sealed.
struct StoredToken {
    TokenInfo info;
    std::vector<std::uint8_t> nonce;
    std::vector<std::uint8_t> sealed;
};

// Called for each token of a walk (RegistryBackend::walk_tokens); an error stops the walk.
using StoredTokenVisitor = std::function<Result<void>(StoredToken&)>;

// One accepted TOTP step (or resync) to record: see Registry::record_accept and record_resync.
struct StepRecord {
    std::string_view serial;
    std::int64_t step = 0;  // checked <= INT64_MAX by the caller
    std::int64_t offset = 0;
    std::int64_t at = 0;
    ObservedBy how = ObservedBy::verify;
    bool lock_refuses = true;          // false for a resync: a lock stays until unlock
    const Attempt* attempt = nullptr;  // the attempt it settles, if any
};

// What writing one imported token did.
enum class ImportWrite { written, owner_taken };

// An all-or-nothing write transaction (an import or a copy); rolled back when destroyed
// uncommitted.
class ImportSession {
  public:
    virtual ~ImportSession() = default;
    // The registry held no token when the session began (others are kept out until commit).
    [[nodiscard]] virtual bool started_empty() const = 0;
    [[nodiscard]] virtual Result<bool> contains(std::string_view serial) = 0;
    // Inserts the token, or (present) replaces it with its state reset; appends an "import"
    // history entry at `now`.
    [[nodiscard]] virtual Result<ImportWrite> write(const SealedToken& token, bool present,
                                                    std::int64_t now) = 0;
    // Inserts or (present) replaces a token copied from another registry with its state,
    // sealed seed and history as they were.
    [[nodiscard]] virtual Result<ImportWrite> write_copy(const StoredToken& token,
                                                         const std::vector<HistoryEntry>& history,
                                                         bool present) = 0;
    [[nodiscard]] virtual Result<void> commit() = 0;
};

class RegistryBackend {
  public:
    virtual ~RegistryBackend() = default;

    // The registry as messages name it: the database path, or the connection URI.
    [[nodiscard]] virtual const std::string& name() const = 0;
    // Completes opening once the master key is known (a migration may re-seal seeds under it;
    // null when nothing is sealed yet).
    [[nodiscard]] virtual Result<void> finish_open(crypto::SeedBox* seeds) = 0;

    // The key check value (key_check.h), none when absent.
    [[nodiscard]] virtual Result<std::optional<std::vector<std::uint8_t>>> key_check() = 0;
    // Stores `value` unless another process stored one first; returns the value now stored.
    [[nodiscard]] virtual Result<std::vector<std::uint8_t>> store_key_check(
        std::span<const std::uint8_t> value) = 0;
    [[nodiscard]] virtual Result<bool> holds_tokens() = 0;

    // not_found when absent.
    [[nodiscard]] virtual Result<StoredToken> token(std::string_view serial) = 0;
    [[nodiscard]] virtual Result<std::vector<TokenInfo>> list() = 0;
    // Visits tokens row by row within one read snapshot, one statement prepared for the whole
    // walk, so memory does not grow with their number: with `serials` empty, every token
    // ordered by serial; else those named, in that order, after checking that all are present
    // (the first absent one is returned and nothing is visited). Stops at the first error of
    // `visit` and returns it.
    [[nodiscard]] virtual Result<std::optional<std::string>> walk_tokens(
        std::span<const std::string> serials, const StoredTokenVisitor& visit) = 0;
    // Oldest first; empty when the token is absent (the caller checks that).
    [[nodiscard]] virtual Result<std::vector<HistoryEntry>> history(std::string_view serial) = 0;

    [[nodiscard]] virtual Result<void> remove(std::string_view serial) = 0;
    [[nodiscard]] virtual Result<AcceptOutcome> record_step(const StepRecord& record) = 0;
    // Next expected counter = counter + 1 (checked < INT64_MAX by the caller).
    [[nodiscard]] virtual Result<AcceptOutcome> record_counter(std::string_view serial,
                                                               std::int64_t counter,
                                                               const Attempt* attempt) = 0;
    [[nodiscard]] virtual Result<FailureOutcome> count_failure(std::string_view serial,
                                                               int max_failures,
                                                               std::int64_t at) = 0;
    [[nodiscard]] virtual Result<AttemptReservation> reserve_attempt(std::string_view serial,
                                                                     std::int64_t now,
                                                                     const AttemptRules& rules) = 0;
    [[nodiscard]] virtual Result<FailureOutcome> settle_failure(std::string_view serial,
                                                                const Attempt& attempt,
                                                                std::int64_t at) = 0;
    [[nodiscard]] virtual Result<void> release_attempt(std::string_view serial,
                                                       const Attempt& attempt) = 0;
    [[nodiscard]] virtual Result<void> unlock(std::string_view serial) = 0;
    // invalid_input naming the token when `owner` owns another one.
    [[nodiscard]] virtual Result<void> assign_owner(std::string_view serial,
                                                    std::string_view owner) = 0;
    [[nodiscard]] virtual Result<void> unassign_owner(std::string_view serial) = 0;
    [[nodiscard]] virtual Result<std::optional<std::string>> token_of_owner(
        std::string_view owner) = 0;

    [[nodiscard]] virtual Result<std::unique_ptr<ImportSession>> begin_import() = 0;
};

// Shared by both backends (backend_common.cpp).

// "no token with serial X in the registry R" (not_found).
[[nodiscard]] Error no_such_token(std::string_view serial, const std::string& registry);

// The parameters of a stored row, or a registry error naming the token.
[[nodiscard]] Result<Params> stored_params(const std::string& registry, const std::string& serial,
                                           const std::string& hash, std::int64_t digits,
                                           std::int64_t period, std::int64_t t0);

// Why reserve_attempt counted no attempt, from the token's state read after the refusal.
[[nodiscard]] AttemptReservation explain_refused_attempt(bool locked, int failures,
                                                         std::int64_t last_failure_at,
                                                         std::int64_t now,
                                                         const AttemptRules& rules);

// The waits that apply: rules.waits[k] > 0 for k < max_failures, as (k, now - wait + 1) pairs.
// An attempt while k attempts are counted is throttled when last_failure_at >= the threshold
// (written this way so that SQL never adds to a stored value: no overflow).
struct ThrottleThreshold {
    int failures = 0;
    std::int64_t threshold = 0;
};
[[nodiscard]] std::vector<ThrottleThreshold> throttle_thresholds(const AttemptRules& rules,
                                                                 std::int64_t now);

// Why an accept that settles an attempt changed nothing (record_step / record_counter): a replay
// when the stored step or counter shows the match used, whatever the lock, else locked when
// locked, else a replay (a concurrent accept of the same code).
[[nodiscard]] AcceptOutcome explain_refused_accept(bool locked, std::optional<std::int64_t> stored,
                                                   bool hotp, std::uint64_t matched);

}  // namespace hwtotp::store
