#pragma once
// The first tokens of an export, read while the writer's setup runs.
//
// A writer's prepare() can be slow (PSKC under a password: PBKDF2 at 100,000 iterations, a third
// of a 10,000-key export). Such a one runs on a thread of its own while the walk reads and opens
// the first tokens, which wait here, seeds in Secrets, until the writer can take them; then they
// are written together, in the order they came (ExportWriter::write_all), and wiped, and the rest
// go straight through. The writer is touched by the setup thread only until prepare() returns, and
// by the walk's thread only after.

#include <cstddef>
#include <functional>
#include <future>
#include <vector>

#include "export_writer.h"

namespace hwtotp::store {

// Tokens that wait for the setup, at most: all of a 10,000-key registry while PBKDF2 runs (a
// token is read and opened in ~1.3 µs), a few MiB whatever the number of tokens. Past it the
// walk waits for the setup.
inline constexpr std::size_t read_ahead_limit = 16384;

class ReadAhead {
  public:
    // Called once prepare() has succeeded, before any token is written (the file's header).
    using Begin = std::function<Result<void>()>;
    // Writes one token.
    using Write = std::function<Result<void>(const Token&)>;
    // Writes the tokens that waited, in order (they may be moved from).
    using WriteWaiting = std::function<Result<void>(std::vector<Token>&)>;

    // Starts writer.prepare() on a thread of its own when the writer is slow to prepare; else (or
    // when no thread can be started) it runs on this thread before the first token is written.
    ReadAhead(ExportWriter& writer, Begin begin, Write write, WriteWaiting write_waiting,
              std::size_t limit = read_ahead_limit);
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;
    // Waits for a setup still running: it never outlives the writer. Tokens still waiting are
    // wiped.
    ~ReadAhead();

    // Writes `token` (moved from), or keeps it while the setup runs and fewer than the limit
    // wait. The setup's error, or the first write's, once the setup is over.
    [[nodiscard]] Result<void> take(Token& token);
    // After the last token: waits for the setup, then writes the tokens still waiting.
    [[nodiscard]] Result<void> finish();

  private:
    [[nodiscard]] Result<void> start();

    ExportWriter& writer_;
    Begin begin_;
    Write write_;
    WriteWaiting write_waiting_;
    std::size_t limit_;
    std::future<Result<void>> setup_;
    std::vector<Token> waiting_;
    bool started_ = false;
};

}  // namespace hwtotp::store
