// ReadAhead: tokens read while the writer's setup runs wait, then are written together in the
// order they came, never before the setup has finished; the setup's failure writes nothing; past
// the limit the walk waits for the setup. The setup is held by a promise the test keeps: no clock.
#include <atomic>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "export_read_ahead.h"

namespace hwtotp::store {
namespace export_read_ahead_test {

// A writer whose prepare() waits until the test releases it, and which records what it wrote.
class HeldWriter final : public ExportWriter {
  public:
    explicit HeldWriter(std::shared_future<Result<void>> release) : release_(std::move(release)) {}
    [[nodiscard]] std::string refusal(const TokenInfo& /*token*/) const override { return {}; }
    [[nodiscard]] bool slow_to_prepare() const override { return true; }
    Result<void> prepare() override {
        Result<void> outcome = release_.get();
        prepared = true;
        return outcome;
    }
    Result<void> begin(const ExportOverview& /*overview*/, ExportFile& /*out*/) override {
        return {};
    }
    Result<void> write(const Token& /*token*/, ExportFile& /*out*/) override { return {}; }

    std::atomic<bool> prepared = false;

  private:
    std::shared_future<Result<void>> release_;
};

Token token_named(const std::string& serial) {
    Token token;
    token.info.description.serial = serial;
    token.seed = Secret(std::vector<std::uint8_t>{1, 2, 3});
    return token;
}

struct Recorder {
    explicit Recorder(HeldWriter& held) : writer(held) {}

    HeldWriter& writer;
    std::vector<std::string> written;
    bool began = false;
    bool wrote_before_prepared = false;

    ReadAhead::Begin begin() {
        return [this]() -> Result<void> {
            began = true;
            return {};
        };
    }
    ReadAhead::Write write() {
        return [this](const Token& token) -> Result<void> {
            wrote_before_prepared = wrote_before_prepared || !writer.prepared || !began;
            written.push_back(token.info.description.serial);
            return {};
        };
    }
    // The tokens that waited come together, once: recorded as "[A B C]".
    ReadAhead::WriteWaiting write_waiting() {
        return [this](std::vector<Token>& tokens) -> Result<void> {
            wrote_before_prepared = wrote_before_prepared || !writer.prepared || !began;
            std::string batch = "[";
            for (const Token& token : tokens)
                batch += (batch.size() > 1 ? " " : "") + token.info.description.serial;
            written.push_back(batch + "]");
            return {};
        };
    }
};

// The serials written, in order, whether alone or in a batch.
std::string flattened(const std::vector<std::string>& written) {
    std::string all;
    for (const std::string& entry : written) {
        const bool batch = entry.starts_with('[');
        all += (all.empty() ? "" : " ") + (batch ? entry.substr(1, entry.size() - 2) : entry);
    }
    return all;
}

TEST(ReadAhead, TokensReadDuringTheSetupWaitThenAreWrittenInOrderAfterIt) {
    std::promise<Result<void>> release;
    HeldWriter writer(release.get_future().share());
    Recorder record(writer);
    ReadAhead ahead(writer, record.begin(), record.write(), record.write_waiting());
    for (const char* serial : {"A", "B", "C"}) {
        Token token = token_named(serial);
        ASSERT_TRUE(ahead.take(token));
    }
    EXPECT_TRUE(record.written.empty());  // the setup is still held
    release.set_value({});
    Token last = token_named("D");
    ASSERT_TRUE(ahead.take(last));  // D joins the waiting ones, or follows them if the setup's
    ASSERT_TRUE(ahead.finish());    // thread has ended by now: either way after A, B and C
    ASSERT_FALSE(record.written.empty());
    EXPECT_EQ(record.written.front().rfind("[A B C", 0), 0U) << record.written.front();
    EXPECT_EQ(flattened(record.written), "A B C D");
    EXPECT_FALSE(record.wrote_before_prepared);
}

TEST(ReadAhead, AFailedSetupIsTheErrorAndNothingIsWritten) {
    std::promise<Result<void>> release;
    HeldWriter writer(release.get_future().share());
    Recorder record(writer);
    ReadAhead ahead(writer, record.begin(), record.write(), record.write_waiting());
    Token first = token_named("A");
    ASSERT_TRUE(ahead.take(first));
    release.set_value(fail(ErrorCode::crypto, "no randomness"));
    auto finished = ahead.finish();
    ASSERT_FALSE(finished);
    EXPECT_EQ(finished.error().message, "no randomness");
    EXPECT_TRUE(record.written.empty());
    EXPECT_FALSE(record.began);
}

TEST(ReadAhead, PastTheLimitTheWalkWaitsForTheSetupBeforeWritingAnything) {
    std::promise<Result<void>> release;
    HeldWriter writer(release.get_future().share());
    Recorder record(writer);
    ReadAhead ahead(writer, record.begin(), record.write(), record.write_waiting(), 2);
    Token a = token_named("A");
    Token b = token_named("B");
    ASSERT_TRUE(ahead.take(a));
    ASSERT_TRUE(ahead.take(b));
    // The third token finds two waiting: its take() waits for the setup, which the test
    // releases only after starting it on another thread.
    std::atomic<bool> returned = false;
    std::thread walk([&] {
        Token c = token_named("C");
        EXPECT_TRUE(ahead.take(c));
        returned = true;
    });
    EXPECT_TRUE(record.written.empty());
    release.set_value({});
    walk.join();
    EXPECT_TRUE(returned);
    ASSERT_TRUE(ahead.finish());
    EXPECT_EQ(record.written, (std::vector<std::string>{"[A B]", "C"}));
    EXPECT_FALSE(record.wrote_before_prepared);
}

// A writer quick to prepare gets no thread: prepare() runs on the walk's thread before the
// first token, which is written at once, and nothing waits.
TEST(ReadAhead, AWriterQuickToPrepareIsPreparedHereAndNothingWaits) {
    class QuickWriter final : public ExportWriter {
      public:
        [[nodiscard]] std::string refusal(const TokenInfo& /*token*/) const override { return {}; }
        Result<void> prepare() override {
            prepared_on = std::this_thread::get_id();
            return {};
        }
        Result<void> begin(const ExportOverview& /*overview*/, ExportFile& /*out*/) override {
            return {};
        }
        Result<void> write(const Token& /*token*/, ExportFile& /*out*/) override { return {}; }
        std::thread::id prepared_on;
    } writer;
    std::vector<std::string> written;
    ReadAhead ahead(
        writer, [] { return Result<void>{}; },
        [&](const Token& token) -> Result<void> {
            written.push_back(token.info.description.serial);
            return {};
        },
        [&](std::vector<Token>& tokens) -> Result<void> {
            written.push_back("batch of " + std::to_string(tokens.size()));
            return {};
        });
    Token a = token_named("A");
    ASSERT_TRUE(ahead.take(a));
    EXPECT_EQ(writer.prepared_on, std::this_thread::get_id());
    EXPECT_EQ(written, (std::vector<std::string>{"A"}));
    ASSERT_TRUE(ahead.finish());
}

TEST(ReadAhead, ASetupStillRunningIsWaitedForWhenTheWalkFails) {
    std::promise<Result<void>> release;
    HeldWriter writer(release.get_future().share());
    std::thread releaser;
    {
        Recorder record(writer);
        ReadAhead ahead(writer, record.begin(), record.write(), record.write_waiting());
        Token a = token_named("A");
        ASSERT_TRUE(ahead.take(a));
        // The walk fails here (no finish()); the setup is released from elsewhere and the
        // ReadAhead going out of scope must wait for it, not leave it running on `writer`.
        releaser = std::thread([&] { release.set_value({}); });
    }
    EXPECT_TRUE(writer.prepared);
    releaser.join();
}

}  // namespace export_read_ahead_test
}  // namespace hwtotp::store
