#pragma once
// The token registry: hardware tokens with their seeds sealed at rest, in one SQLite database
// file or in a PostgreSQL database shared by many hosts (RegistryPaths::db a connection URI).
// What follows says SQLite; PostgreSQL keeps the same rules (store/src/backend.h): every guard
// of a verify is one UPDATE ... RETURNING, migrations run under an advisory lock, and a URI
// holding a password is refused.
//
// - WAL mode and a 5 s busy timeout, so concurrent hwtotp processes wait for each other instead
//   of failing with "database is locked".
// - Schema version in PRAGMA user_version, migrated forward on open; a database written by a
//   newer hwtotp is refused.
// - Seeds are sealed with AES-256-GCM under a 32-byte master key file, a fresh 12-byte random
//   nonce per record and, as associated data, the serial, type, hash, digits, period and T0 (a
//   sealed seed copied to another row, or a row whose parameters were changed, does not open).
//   The key file is created 0600 on first use; one readable by group or others is refused.
// - Every state change (verify outcome, resync, unlock) is one transaction; the replay check
//   and the record of the accepted step are one conditional UPDATE, so two processes verifying
//   the same code at the same moment can never both succeed.
//
// All failures are ErrorCode::registry (exit 4) unless stated; "no such token" is not_found.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hwtotp/store/paths.h"
#include "hwtotp/store/token.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::store {

inline constexpr int schema_version = 4;

class Registry;

class SealedToken;

// An import in progress: one write transaction. Nothing is visible to others until commit();
// destroying an uncommitted Import rolls everything back.
class Import {
  public:
    // Seals seeds for add(SealedToken). Each Sealer has its own cipher context and nonce pool,
    // so a thread that decodes records can seal them while another thread adds them: the
    // plaintext seed then never leaves the decoding thread. Not thread-safe itself.
    // Registry::sealer() makes one before any transaction: an import then decodes and seals
    // its whole file without holding the write lock.
    class Sealer {
      public:
        Sealer(Sealer&&) noexcept;
        Sealer& operator=(Sealer&&) noexcept;
        ~Sealer();

        // Checks the token against the registry's limits (check_new_token in token.h), then
        // seals the seed; the seed is wiped when `token` goes. `what` names the record in
        // errors, as for add().
        [[nodiscard]] Result<SealedToken> seal(NewToken token, std::string_view what);

        class Impl;

      private:
        friend class Import;
        friend class Registry;
        explicit Sealer(std::unique_ptr<Impl> impl);
        std::unique_ptr<Impl> impl_;
    };

    Import(Import&&) noexcept;
    Import& operator=(Import&&) noexcept;
    ~Import();

    // A Sealer for this registry's master key (its own copy, wiped with the Sealer).
    [[nodiscard]] Result<Sealer> sealer() const;

    // Adds (or, with replace, replaces) one token. Fails on a duplicate serial without replace
    // ("serial X is already in the registry" / "serial X appears twice in the file"). A replaced
    // token starts afresh: new seed and parameters, state reset, an "import" history entry.
    // `what` names the record in errors ("KeyPackage 3", "line 4").
    [[nodiscard]] Result<void> add(NewToken token, std::string_view what);
    // The same for a token sealed by a Sealer of this Import or of its Registry.
    [[nodiscard]] Result<void> add(SealedToken token, std::string_view what);
    [[nodiscard]] std::size_t added() const;
    [[nodiscard]] std::size_t replaced() const;
    [[nodiscard]] Result<void> commit();

    class Impl;

  private:
    friend class Registry;
    explicit Import(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// A token whose seed is already sealed under the registry's master key, with its serial as the
// associated data. Only an Import::Sealer makes one, so the serial cannot change after sealing.
class SealedToken {
  public:
    [[nodiscard]] const TokenDescription& description() const { return description_; }
    [[nodiscard]] const std::vector<std::uint8_t>& nonce() const { return nonce_; }
    [[nodiscard]] const std::vector<std::uint8_t>& sealed_seed() const { return sealed_seed_; }

  private:
    friend class Import::Sealer;
    SealedToken(TokenDescription description, std::vector<std::uint8_t> nonce,
                std::vector<std::uint8_t> sealed_seed)
        : description_(std::move(description)),
          nonce_(std::move(nonce)),
          sealed_seed_(std::move(sealed_seed)) {}

    TokenDescription description_;
    std::vector<std::uint8_t> nonce_;        // 12 random bytes
    std::vector<std::uint8_t> sealed_seed_;  // ciphertext || 16-byte tag
};

// The result of recording an accepted code.
enum class AcceptOutcome { recorded, replay, locked };

// The result of recording a failed code.
struct FailureOutcome {
    int failures = 0;     // consecutive failures now
    bool locked = false;  // the token is (now) locked
};

// Attempts. A verifier counts an attempt BEFORE it looks at the code (reserve_attempt), in one
// conditional UPDATE, so that however many processes verify at once, no more codes are looked
// at than the lockout allows. What the code turns out to be then settles the count: a success
// resets it (record_accept / record_hotp_accept with the attempt), a replay takes its attempt
// back (release_attempt), a wrong code stays counted and locks the token once max_failures
// attempts are counted (record_failure with the attempt). Attempts still being checked count
// towards that lock; if one of them then turns out a success or a replay, settling it lifts
// the lock again, so the outcome is the one of checking the attempts one at a time.
//
// Durability: every settling write is synced before it returns (an accepted step lost in a
// power cut would accept its code again). The reservation is not synced on its own: it is
// visible to every other verifier as soon as it commits, and the settling commit that follows
// syncs the -wal file, with the reservation's frames before its own. A power cut before that
// can only lose an attempt whose outcome nobody was told: the same as an attempt that was never
// made. One sync per verify instead of two.

// When an attempt may be counted.
struct AttemptRules {
    int max_failures = 0;  // attempts counted without a success in between, at most
    // waits[k]: while k attempts are counted, seconds a new one waits after the last recorded
    // failure (a clock set before that failure waits too). Missing entries are 0: no wait.
    std::vector<std::int64_t> waits;
};

// A counted attempt, with the token's state when it was counted.
struct Attempt {
    int position = 0;      // attempts counted without a success, this one included
    int max_failures = 0;  // the limit it was counted under
    // The last accepted TOTP step and the next HOTP counter when it was counted. A success or a
    // resync since then changes one of them, and reset the count this attempt was part of:
    // settling it then changes neither the count nor the lock.
    std::optional<std::int64_t> last_step;
    std::int64_t counter = 0;
};

enum class AttemptRefusal {
    locked,     // the token is locked
    limit,      // max_failures attempts are counted (some may still be in progress)
    throttled,  // too soon after the last failure
};

// reserve_attempt's answer: the counted attempt, or why none was counted.
struct AttemptReservation {
    std::optional<Attempt> attempt;
    AttemptRefusal refusal = AttemptRefusal::locked;  // when no attempt was counted
    int failures = 0;                                 // attempts counted now
    std::int64_t retry_in = 0;  // throttled: seconds until an attempt may be counted again
};

// What Registry::copy_from did.
struct CopySummary {
    std::size_t added = 0;
    std::size_t replaced = 0;  // merge: serials the target held, now the source's records
};

class Registry {
  public:
    // What an opening may do.
    enum class Access {
        create,  // creates the directory (0700), database and key file (0600) when absent
        write,   // an existing registry, read and written; creates nothing
        read,    // an existing registry, only read: works in a read-only directory
    };

    struct Options {
        RegistryPaths paths;
        int busy_timeout_ms = 5000;  // SQLite; PostgreSQL bounds each statement itself
        Access access = Access::create;
        // Whether closing the connection copies the -wal file's changes into the database file
        // (a checkpoint: two more syncs and a truncation). False for a program that opens the
        // registry once per short write, many times over (the PAM module, once per login): the
        // changes then stay in the -wal file, already durable there, until SQLite's automatic
        // checkpoint moves them when the file reaches a few dozen pages, or a
        // connection that checkpoints closes. Readers see them either way.
        bool checkpoint_on_close = true;
        // Whether OpenSSL's first use (its configuration, providers and the seal cipher's
        // tables: ~2.5 ms, independent of the registry) runs on a thread of its own while a
        // PostgreSQL registry opens (loading libpq, connecting). For a program of our own, such
        // as hwtotp; not in a host process, where a thread is not ours to start.
        bool warm_crypto_while_opening = false;
    };

    // Opens the registry and migrates it to schema_version (a read-only opening of an older
    // registry opens it for writing to upgrade it first). Refuses, as a registry error naming
    // the file and the fix:
    // - a database, -wal, -shm or key file that is a symbolic link, not owned by the caller's
    //   effective uid, or writable by group or others (the key file: accessible by them);
    // - a directory of the database or the key that belongs to another user than the caller or
    //   root, or that group or others may write without the sticky bit;
    // - a key file that does not open the registry's key check value, and a registry holding
    //   tokens but no key check value (the key is never replaced while seeds are sealed under it);
    // - with write or read access, a database that does not exist or is empty ("no registry");
    // - for a PostgreSQL URI: one holding a password (invalid_input: passwords belong in the
    //   password or service file), a server that cannot be reached within connect_timeout
    //   (5 s unless the URI sets one). The file checks then apply to the key file only.
    // Files are created with O_EXCL|O_NOFOLLOW and checked on the opened descriptor, never
    // stat-then-open. With write or create access, "<key>.tmp.<pid>" files left by a killed
    // hwtotp of the caller are removed.
    [[nodiscard]] static Result<Registry> open(const Options& options);

    Registry(Registry&&) noexcept;
    Registry& operator=(Registry&&) noexcept;
    ~Registry();

    [[nodiscard]] const RegistryPaths& paths() const;

    // Starts an all-or-nothing import (BEGIN IMMEDIATE). `now` stamps imported_at and history.
    // The write lock is held until commit or rollback: decode and seal first (sealer()).
    [[nodiscard]] Result<Import> begin_import(bool replace, std::int64_t now);
    // A Sealer for this registry's master key (its own copy, wiped with the Sealer). Takes no
    // lock: tokens sealed before begin_import() are added by any Import of this registry.
    [[nodiscard]] Result<Import::Sealer> sealer() const;

    // One token with its decrypted seed; not_found when absent. A seed that does not open
    // (wrong key file, tampered row) is a registry error naming the serial.
    [[nodiscard]] Result<Token> get(std::string_view serial);
    [[nodiscard]] Result<TokenInfo> info(std::string_view serial);
    // All tokens, ordered by serial, seeds not decrypted.
    [[nodiscard]] Result<std::vector<TokenInfo>> list();
    // Tokens one at a time, each with its seed opened just for `visit` and wiped when `visit`
    // returns, unless `visit` takes the token (moves from it): its seed is then the taker's to
    // wipe. With `serials` empty every token ordered by serial, else those named, in that
    // order (a repeated serial is visited again). All come from one read snapshot, read row by
    // row: memory does not grow with the number of tokens. A named serial that is absent is
    // not_found before any token is visited; a seed that does not open is a registry error as
    // for get(); the first error `visit` returns stops the walk and is returned.
    [[nodiscard]] Result<void> for_each_token(const std::vector<std::string>& serials,
                                              const std::function<Result<void>(Token&)>& visit);
    // The same without opening any seed.
    [[nodiscard]] Result<void> for_each_token_info(
        const std::vector<std::string>& serials,
        const std::function<Result<void>(const TokenInfo&)>& visit);
    // Removes a token and its history; not_found when absent.
    [[nodiscard]] Result<void> remove(std::string_view serial);

    // Records an accepted TOTP step, atomically: succeeds only when the token is not locked and
    // `step` is after the last accepted step. Sets last_step = step, offset = new_offset,
    // failures = 0, and appends a history entry (how, at, new_offset) when it records.
    [[nodiscard]] Result<AcceptOutcome> record_accept(std::string_view serial, std::uint64_t step,
                                                      std::int64_t new_offset, std::int64_t at,
                                                      ObservedBy how = ObservedBy::verify);
    // Records an accepted HOTP counter: next expected counter = counter + 1, same guarantees.
    [[nodiscard]] Result<AcceptOutcome> record_hotp_accept(std::string_view serial,
                                                           std::uint64_t counter);
    // Counts a failed code and stamps last_failure_at = at (for throttling); locks the token
    // when the count reaches max_failures.
    [[nodiscard]] Result<FailureOutcome> record_failure(std::string_view serial, int max_failures,
                                                        std::int64_t at);

    // Counts an attempt at time `now` when the token is not locked, fewer than
    // rules.max_failures attempts are counted and the throttle allows it: one conditional
    // UPDATE, so concurrent verifiers cannot all slip past the limit. When refused, says why
    // (read in the same transaction). not_found when absent. Not synced (see "Durability").
    [[nodiscard]] Result<AttemptReservation> reserve_attempt(std::string_view serial,
                                                             std::int64_t now,
                                                             const AttemptRules& rules);
    // As record_accept, settling `attempt`: resets the count and lifts a lock that came while
    // the attempt was being checked. Refused as a replay when `step` is not after the last
    // accepted step, else as locked when the token is locked and a success or resync came
    // after the attempt was counted.
    [[nodiscard]] Result<AcceptOutcome> record_accept(std::string_view serial,
                                                      const Attempt& attempt, std::uint64_t step,
                                                      std::int64_t new_offset, std::int64_t at,
                                                      ObservedBy how = ObservedBy::verify);
    // The same for an HOTP counter: next expected counter = counter + 1.
    [[nodiscard]] Result<AcceptOutcome> record_hotp_accept(std::string_view serial,
                                                           const Attempt& attempt,
                                                           std::uint64_t counter);
    // A wrong code: `attempt` stays counted; stamps last_failure_at = at and locks the token
    // when max_failures attempts are counted.
    [[nodiscard]] Result<FailureOutcome> record_failure(std::string_view serial,
                                                        const Attempt& attempt, std::int64_t at);
    // A replay: takes `attempt` back (it was never a failure), and lifts a lock that counted it.
    [[nodiscard]] Result<void> release_attempt(std::string_view serial, const Attempt& attempt);
    // After a resync (two consecutive codes): last_step = step of the second code, the new
    // offset, failures reset, a history entry (how, at, offset). Refused as a replay when
    // last_step is not after the last accepted step. A lock stays until unlock().
    [[nodiscard]] Result<AcceptOutcome> record_resync(std::string_view serial,
                                                      std::uint64_t last_step, std::int64_t offset,
                                                      std::int64_t at,
                                                      ObservedBy how = ObservedBy::resync);
    // Observed offsets, oldest first.
    [[nodiscard]] Result<std::vector<HistoryEntry>> history(std::string_view serial);
    // Clears the lock, the failure count and so the throttle; not_found when absent.
    [[nodiscard]] Result<void> unlock(std::string_view serial);

    // Owners: the user a token is assigned to (a PAM login name, an Entra UPN). At most one
    // token per owner, so a login never has to choose; assigning a second token to an owner is
    // invalid input naming the first. not_found when the serial is absent.
    [[nodiscard]] Result<void> assign_owner(std::string_view serial, std::string_view owner);
    [[nodiscard]] Result<void> unassign_owner(std::string_view serial);
    // The serial of the token `owner` owns, or none.
    [[nodiscard]] Result<std::optional<std::string>> token_of_owner(std::string_view owner);

    // Copies every token of `source` (description, owner, verifier state, history, and the
    // seed still sealed: it is never decrypted) into this registry in one transaction, all or
    // nothing; works between any two backends. The two must share one master key (this
    // registry's key opens the source's key check value), else nothing is copied. Refuses, as
    // invalid input, a registry that already holds tokens unless `merge`; with it a serial
    // present in both takes the source's record, history included.
    [[nodiscard]] Result<CopySummary> copy_from(Registry& source, bool merge);

    class Impl;

  private:
    explicit Registry(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace hwtotp::store
