#include "hwtotp/totp/window.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <future>
#include <limits>
#include <mutex>
#include <thread>

#include "hwtotp/totp/steps.h"

namespace hwtotp {
namespace {

// Big enough that thread hand-off is negligible, small enough for a smooth progress bar and
// balanced work on both cores.
constexpr std::uint64_t chunk_steps = std::uint64_t{1} << 18;
// Below this a scan runs on the calling thread: starting threads would cost more than it saves.
constexpr std::uint64_t parallel_threshold = std::uint64_t{1} << 16;

unsigned thread_count(const ScanOptions& options) {
    if (options.threads != 0) {
        return options.threads;
    }
    return std::max(1U, std::thread::hardware_concurrency());
}

// Runs `scan_chunk(first, last)` over `range` in chunks on worker threads and merges the sorted
// results. `scan_chunk` must be thread-safe and return sorted steps within its chunk.
template <typename ChunkScan>
std::vector<std::uint64_t> parallel_scan(StepRange range, const ScanOptions& options,
                                         ChunkScan scan_chunk) {
    const std::uint64_t total = range.last - range.first;  // size - 1, never overflows
    const unsigned threads = thread_count(options);
    if (threads == 1 || total < parallel_threshold) {
        auto found = scan_chunk(range.first, range.last);
        if (options.progress) {
            options.progress(total + 1, total + 1);
        }
        return found;
    }

    const std::uint64_t chunks = total / chunk_steps + 1;
    std::atomic<std::uint64_t> next_chunk{0};
    std::atomic<std::uint64_t> done{0};
    std::atomic<std::size_t> found_count{0};
    std::mutex merge_mutex;
    std::vector<std::uint64_t> merged;

    auto worker = [&] {
        for (;;) {
            const std::uint64_t index = next_chunk.fetch_add(1, std::memory_order_relaxed);
            if (index >= chunks ||
                found_count.load(std::memory_order_relaxed) >= options.max_matches) {
                return;
            }
            const std::uint64_t first = range.first + index * chunk_steps;
            const std::uint64_t last =
                (range.last - first < chunk_steps - 1) ? range.last : first + chunk_steps - 1;
            auto found = scan_chunk(first, last);
            if (!found.empty()) {
                found_count.fetch_add(found.size(), std::memory_order_relaxed);
                const std::lock_guard lock(merge_mutex);
                merged.insert(merged.end(), found.begin(), found.end());
            }
            done.fetch_add(last - first + 1, std::memory_order_relaxed);
        }
    };

    std::vector<std::future<void>> workers;
    workers.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) {
        workers.push_back(std::async(std::launch::async, worker));
    }
    for (auto& w : workers) {
        while (w.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
            if (options.progress) {
                options.progress(done.load(std::memory_order_relaxed), total + 1);
            }
        }
        w.get();
    }
    if (options.progress) {
        options.progress(done.load(), total + 1);
    }
    std::sort(merged.begin(), merged.end());
    if (merged.size() > options.max_matches) {
        merged.resize(options.max_matches);
    }
    return merged;
}

}  // namespace

StepRange window_around(std::uint64_t centre, std::uint64_t radius) {
    const auto r = static_cast<std::int64_t>(
        std::min<std::uint64_t>(radius, std::numeric_limits<std::int64_t>::max()));
    return StepRange{step_add(centre, -r), step_add(centre, r)};
}

std::vector<std::uint64_t> find_code(const OtpKey& key, const Code& code, StepRange range,
                                     const ScanOptions& options) {
    return parallel_scan(range, options, [&](std::uint64_t first, std::uint64_t last) {
        return key.find(first, last, code, options.max_matches);
    });
}

std::vector<std::uint64_t> find_consecutive(const OtpKey& key, const Code& first,
                                            const Code& second, StepRange range,
                                            const ScanOptions& options) {
    // Scan for the first code (about one hit per 10^digits steps), then confirm each hit's
    // successor: the second code costs almost nothing.
    ScanOptions inner = options;
    inner.max_matches = std::numeric_limits<std::size_t>::max();
    auto candidates = parallel_scan(range, inner, [&](std::uint64_t a, std::uint64_t b) {
        auto hits = key.find(a, b, first, std::numeric_limits<std::size_t>::max());
        std::erase_if(hits, [&](std::uint64_t s) {
            return s == std::numeric_limits<std::uint64_t>::max() ||
                   !(key.code(s + 1, second.length()) == second);
        });
        return hits;
    });
    if (candidates.size() > options.max_matches) {
        candidates.resize(options.max_matches);
    }
    return candidates;
}

double false_match_odds(std::uint64_t steps, int digits, int codes) {
    const double p = std::pow(10.0, -static_cast<double>(digits) * codes);
    // 1 - (1-p)^n computed without cancellation.
    return -std::expm1(static_cast<double>(steps) * std::log1p(-p));
}

Verification verify_code(const OtpKey& key, const Code& code, std::uint64_t centre,
                         std::uint64_t radius, const ScanOptions& options) {
    const StepRange range = window_around(centre, radius);
    Verification result;
    result.false_match_odds = false_match_odds(range.size(), code.length(), 1);
    auto steps = find_code(key, code, range, options);
    if (steps.empty()) {
        return result;
    }
    std::vector<std::int64_t> offsets;
    offsets.reserve(steps.size());
    for (auto s : steps) {
        offsets.push_back(step_diff(s, centre));
    }
    std::sort(offsets.begin(), offsets.end(), [](std::int64_t a, std::int64_t b) {
        const auto da = a < 0 ? -static_cast<std::uint64_t>(a) : static_cast<std::uint64_t>(a);
        const auto db = b < 0 ? -static_cast<std::uint64_t>(b) : static_cast<std::uint64_t>(b);
        return da != db ? da < db : a < b;
    });
    result.matched = true;
    result.offset = offsets.front();
    result.step = step_add(centre, result.offset);
    result.all_offsets = std::move(offsets);
    return result;
}

}  // namespace hwtotp
