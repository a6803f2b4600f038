#pragma once
// Searching a range of steps for codes: the verifier, and the scans behind resync and check.
//
// Scans split the range into chunks that worker threads take in turn; each worker runs the
// allocation-free two-compression loop of OtpKey::find. Results are deterministic (sorted by
// step) whatever the thread count.

#include <cstdint>
#include <functional>
#include <vector>

#include "hwtotp/totp/code.h"
#include "hwtotp/totp/otp_key.h"

namespace hwtotp {

// An inclusive range of steps (or HOTP counters).
struct StepRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    [[nodiscard]] std::uint64_t size() const { return last - first + 1; }  // 0 means 2^64
};

// [centre - radius, centre + radius], clipped to the valid steps.
[[nodiscard]] StepRange window_around(std::uint64_t centre, std::uint64_t radius);

struct ScanOptions {
    unsigned threads = 0;            // 0: one per hardware thread
    std::size_t max_matches = 1000;  // stop collecting beyond this (the scan still ends early)
    // Called from the calling thread, about every 100 ms, with steps scanned so far and total.
    std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

// Steps in `range` whose code equals `code` (its length gives the digits), sorted.
[[nodiscard]] std::vector<std::uint64_t> find_code(const OtpKey& key, const Code& code,
                                                   StepRange range,
                                                   const ScanOptions& options = {});

// Steps s in `range` with code(s) == first and code(s + 1) == second, sorted.
[[nodiscard]] std::vector<std::uint64_t> find_consecutive(const OtpKey& key, const Code& first,
                                                          const Code& second, StepRange range,
                                                          const ScanOptions& options = {});

// Probability that a scan of `steps` steps finds at least one chance match for `codes`
// consecutive codes of `digits` digits: 1 - (1 - 10^-(digits*codes))^steps.
[[nodiscard]] double false_match_odds(std::uint64_t steps, int digits, int codes);

// The verifier's answer: a match (which step, how far from the centre) or none.
struct Verification {
    bool matched = false;
    std::uint64_t step = 0;                 // the accepted step (the match nearest the centre)
    std::int64_t offset = 0;                // step - centre
    std::vector<std::int64_t> all_offsets;  // every match, nearest first; >1 means ambiguous
    double false_match_odds = 0;            // for a code that is not the token's
};

// Does `code` match any step within ±radius of `centre`? Constant-time code comparison; a
// miss is an ordinary answer. Ties in distance prefer the past (a slightly stale code).
[[nodiscard]] Verification verify_code(const OtpKey& key, const Code& code, std::uint64_t centre,
                                       std::uint64_t radius, const ScanOptions& options = {});

}  // namespace hwtotp
