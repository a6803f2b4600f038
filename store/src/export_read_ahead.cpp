#include "export_read_ahead.h"

#include <chrono>
#include <system_error>
#include <utility>

namespace hwtotp::store {

ReadAhead::ReadAhead(ExportWriter& writer, Begin begin, Write write, WriteWaiting write_waiting,
                     std::size_t limit)
    : writer_(writer),
      begin_(std::move(begin)),
      write_(std::move(write)),
      write_waiting_(std::move(write_waiting)),
      limit_(limit) {
    const auto prepare = [&w = writer_] { return w.prepare(); };
    // Deferred: run by start(), on this thread, before the first token (take() sees at once
    // that it is not running).
    setup_ = std::async(std::launch::deferred, prepare);
    if (!writer_.slow_to_prepare())
        return;
    try {
        setup_ = std::async(std::launch::async, prepare);
    } catch (const std::system_error&) {
        return;  // no thread: the deferred setup stays
    }
    waiting_.reserve(limit_);  // reserved, not touched: its pages come as tokens do
}

ReadAhead::~ReadAhead() {
    // A setup on its thread is waited for; a deferred one that never started is not run.
    if (setup_.valid() && setup_.wait_for(std::chrono::seconds(0)) != std::future_status::deferred)
        setup_.wait();
}

Result<void> ReadAhead::take(Token& token) {
    if (!started_) {
        const bool running =
            setup_.wait_for(std::chrono::seconds(0)) == std::future_status::timeout;
        if (running && waiting_.size() < limit_) {
            waiting_.push_back(std::move(token));
            return {};
        }
        HWTOTP_TRY(start());
    }
    return write_(token);
}

Result<void> ReadAhead::finish() {
    if (!started_)
        return start();
    return {};
}

Result<void> ReadAhead::start() {
    started_ = true;
    HWTOTP_TRY(setup_.get());
    HWTOTP_TRY(begin_());
    if (waiting_.empty())
        return {};
    const Result<void> written = write_waiting_(waiting_);
    waiting_.clear();  // their seeds wiped, written or not
    return written;
}

}  // namespace hwtotp::store
