#include "render_in_two.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

namespace hwtotp::store {
namespace {

// The one rendered chunk handed from the helper to this thread, and how either side stopped.
class Handoff {
  public:
    // Helper: waits until the previous chunk was taken (or this thread stopped), then hands
    // `rendered` over. False when this thread has stopped.
    bool put(std::string& rendered) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !full_ || stopped_; });
        if (stopped_)
            return false;
        slot_.swap(rendered);
        full_ = true;
        changed_.notify_all();
        return true;
    }

    // Helper: it failed with `error`; this thread gets it at its next take().
    void fail(Error error) {
        const std::lock_guard lock(mutex_);
        error_ = std::move(error);
        changed_.notify_all();
    }

    // This thread: waits for the next chunk, swapped into `rendered`; the helper's error if it
    // failed instead.
    Result<void> take(std::string& rendered) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return full_ || error_.has_value(); });
        if (!full_)
            return tl::unexpected(*error_);
        slot_.swap(rendered);
        full_ = false;
        changed_.notify_all();
        return {};
    }

    // This thread: it stops (an error of its own); the helper ends at its next put().
    void stop() {
        const std::lock_guard lock(mutex_);
        stopped_ = true;
        changed_.notify_all();
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::string slot_;
    bool full_ = false;
    bool stopped_ = false;
    std::optional<Error> error_;
};

std::size_t chunk_end(const RenderInTwo& job, std::size_t chunk) {
    return std::min(job.count, (chunk + 1) * job.chunk);
}

Result<void> render_chunk(const RenderInTwo& job, std::size_t chunk, std::string& into) {
    into.clear();
    for (std::size_t i = chunk * job.chunk; i < chunk_end(job, chunk); ++i)
        HWTOTP_TRY(job.render_there(i, into));
    return {};
}

void run_helper(const RenderInTwo& job, std::size_t chunks, Handoff& handoff) {
    std::string rendered;
    for (std::size_t c = 1; c < chunks; c += 2) {
        Result<void> done = fail(ErrorCode::internal, "out of memory while rendering");
        try {
            done = render_chunk(job, c, rendered);
        } catch (const std::exception&) {
            // `done` keeps the out-of-memory error
        }
        if (!done) {
            handoff.fail(done.error());
            return;
        }
        if (!handoff.put(rendered))
            return;
    }
}

// This thread's part: its own chunks written, the helper's taken and written, in order.
Result<void> write_in_order(const RenderInTwo& job, std::size_t chunks, Handoff& handoff) {
    std::string rendered;
    for (std::size_t c = 0; c < chunks; ++c) {
        if (c % 2 == 1) {
            HWTOTP_TRY(handoff.take(rendered));
            HWTOTP_TRY(job.write_rendered(rendered));
            continue;
        }
        for (std::size_t i = c * job.chunk; i < chunk_end(job, c); ++i)
            HWTOTP_TRY(job.write_here(i));
    }
    return {};
}

// No second thread: the same chunks, in the same order, all here.
Result<void> render_alone(const RenderInTwo& job, std::size_t chunks) {
    std::string rendered;
    for (std::size_t c = 0; c < chunks; ++c) {
        if (c % 2 == 1) {
            HWTOTP_TRY(render_chunk(job, c, rendered));
            HWTOTP_TRY(job.write_rendered(rendered));
            continue;
        }
        for (std::size_t i = c * job.chunk; i < chunk_end(job, c); ++i)
            HWTOTP_TRY(job.write_here(i));
    }
    return {};
}

}  // namespace

Result<void> render_in_two(const RenderInTwo& job) {
    const std::size_t chunk = std::max<std::size_t>(job.chunk, 1);
    RenderInTwo sized = job;
    sized.chunk = chunk;
    const std::size_t chunks = (job.count + chunk - 1) / chunk;
    if (chunks < 2)
        return render_alone(sized, chunks);
    Handoff handoff;
    std::thread helper;
    try {
        helper = std::thread([&] { run_helper(sized, chunks, handoff); });
    } catch (const std::system_error&) {
        return render_alone(sized, chunks);
    }
    Result<void> written = fail(ErrorCode::internal, "out of memory while writing");
    try {
        written = write_in_order(sized, chunks, handoff);
    } catch (const std::exception&) {
        // `written` keeps the out-of-memory error
    }
    if (!written)
        handoff.stop();
    helper.join();
    return written;
}

}  // namespace hwtotp::store
