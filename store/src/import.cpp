// import_file: read, decode and add every record inside one registry transaction.

#include "hwtotp/store/import.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "file_util.h"
#include "hwtotp/store/vendor_import.h"
#include "text_util.h"

namespace hwtotp::store {
namespace {

struct Record {
    SealedToken token;
    std::string what;
};

// Carries sealed records from the reading thread (parse, MAC check, decrypt, seal) to the
// writing thread (insert): on two cores a large file imports in about half the time. Records
// travel in batches, so the lock is taken once per batch, and at most `max_batches` are in
// flight: memory stays bounded however large the file. Only sealed seeds are queued: the
// plaintext never leaves the reading thread, where it is wiped as soon as it is sealed.
class RecordQueue {
  public:
    static constexpr std::size_t batch_size = 128;
    static constexpr std::size_t max_batches = 4;

    RecordQueue() { pending_.reserve(batch_size); }

    // Reader side. False once the writer has stopped on an error: stop reading.
    bool push(Record record) {
        pending_.push_back(std::move(record));
        return pending_.size() < batch_size ? !stopped() : flush();
    }

    // Reader side: no more records.
    void close() {
        if (flush()) {
            const std::lock_guard lock(mutex_);
            closed_ = true;
        }
        ready_.notify_one();
    }

    // Writer side: the next batch, or an empty one when the reader closed the queue (or an
    // error stopped the import).
    std::vector<Record> pop() {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !batches_.empty() || closed_ || stopped_; });
        if (stopped_ || batches_.empty())
            return {};
        std::vector<Record> batch = std::move(batches_.front());
        batches_.pop_front();
        space_.notify_one();
        return batch;
    }

    // Either side: abandon the import; queued records are dropped.
    void stop() {
        {
            const std::lock_guard lock(mutex_);
            stopped_ = true;
            batches_.clear();
        }
        ready_.notify_all();
        space_.notify_all();
    }

  private:
    bool stopped() {
        const std::lock_guard lock(mutex_);
        return stopped_;
    }

    bool flush() {
        std::unique_lock lock(mutex_);
        space_.wait(lock, [&] { return batches_.size() < max_batches || stopped_; });
        if (stopped_) {
            pending_.clear();
            return false;
        }
        if (!pending_.empty()) {
            batches_.push_back(std::move(pending_));
            pending_ = std::vector<Record>();
            pending_.reserve(batch_size);
            ready_.notify_one();
        }
        return true;
    }

    std::vector<Record> pending_;  // reader-owned: the batch being filled
    std::mutex mutex_;
    std::condition_variable ready_;  // a batch arrived, or closed/stopped
    std::condition_variable space_;  // a batch left, or stopped
    std::deque<std::vector<Record>> batches_;
    bool closed_ = false;
    bool stopped_ = false;
};

}  // namespace

Result<Secret> read_password_file(const std::string& path) {
    auto raw = files::read_secret_file(path, 4096);
    if (!raw)
        return fail(raw.error().code, "--password-file " + raw.error().message);
    auto bytes = raw->expose();
    std::size_t size = bytes.size();
    if (size > 0 && bytes[size - 1] == '\n')
        --size;
    if (size > 0 && bytes[size - 1] == '\r')
        --size;
    if (size == 0)
        return fail(ErrorCode::invalid_input, "--password-file " + path + " is empty");
    return Secret(bytes.first(size));
}

Result<ImportSummary> import_file(Registry& registry, const ImportRequest& request,
                                  std::int64_t now, const ImportCallbacks& callbacks) {
    if (!request.keys.key.empty() && !request.keys.password.empty())
        return fail(ErrorCode::invalid_input, "give either --key or --password-file, not both");
    ImportSummary summary;
    if (request.format) {
        summary.format = *request.format;
    } else {
        // The first few KiB decide the format when the extension does not.
        auto file = files::open_for_reading(request.path);
        if (!file)
            return tl::unexpected(file.error());
        std::string head(4096, '\0');
        auto n = file->read(head);
        if (!n)
            return tl::unexpected(n.error());
        head.resize(*n);
        summary.format = detect_import_format(request.path, head);
        wipe_memory(head.data(), head.size());
    }
    if (summary.format != ImportFormat::pskc &&
        (!request.keys.key.empty() || !request.keys.password.empty())) {
        return fail(ErrorCode::invalid_input, "--key and --password-file apply to PSKC files only");
    }
    // CSV and URI lists are read whole (about 60 bytes a token); PSKC streams.
    std::string content;
    struct Wipe {
        std::string& s;
        ~Wipe() { wipe_memory(s.data(), s.size()); }
    } wipe{content};
    if (summary.format != ImportFormat::pskc) {
        auto text_in = files::read_text(request.path);
        if (!text_in)
            return tl::unexpected(text_in.error());
        content = std::move(*text_in);
    } else if (!files::exists(request.path)) {
        return fail(ErrorCode::not_found, "cannot open " + request.path + ": no such file");
    }
    std::string_view text_view = content;
    if (text_view.starts_with("\xEF\xBB\xBF"))
        text_view.remove_prefix(3);

    auto import = registry.begin_import(request.replace, now);
    if (!import)
        return tl::unexpected(import.error());
    auto sealer = import->sealer();
    if (!sealer)
        return tl::unexpected(sealer.error());

    // This thread reads, decodes and seals (and runs every callback), so only sealed seeds are
    // queued; the writer inserts, in file order. The writer stops at its first error, which is
    // then the earliest error in the file: every record the reader had passed on came before
    // the reader's own failure.
    RecordQueue queue;
    std::optional<Error> write_error;
    std::thread writer([&] {
        try {
            for (auto batch = queue.pop(); !batch.empty(); batch = queue.pop()) {
                for (Record& r : batch) {
                    if (auto ok = import->add(std::move(r.token), r.what); !ok) {
                        write_error = ok.error();
                        queue.stop();
                        return;
                    }
                }
            }
        } catch (const std::exception& e) {
            write_error = Error{ErrorCode::internal, std::string("import failed: ") + e.what()};
            queue.stop();
        }
    });
    // Stops (unless told to drain) and joins the writer on every way out of this function.
    class JoinWriter {
      public:
        JoinWriter(RecordQueue& queue, std::thread& writer) : queue_(queue), writer_(writer) {}
        JoinWriter(const JoinWriter&) = delete;
        JoinWriter& operator=(const JoinWriter&) = delete;
        ~JoinWriter() {
            if (!drain_)
                queue_.stop();
            writer_.join();
        }
        // The reader closed the queue: let the writer add what remains.
        void drain() { drain_ = true; }

      private:
        RecordQueue& queue_;
        std::thread& writer_;
        bool drain_ = false;
    };
    std::optional<JoinWriter> join_writer;
    join_writer.emplace(queue, writer);

    ImportCallbacks inner = callbacks;
    inner.now = now;
    inner.unsupported = nullptr;  // a refusal, unless the request says to skip
    if (request.skip_unsupported) {
        inner.unsupported = [&](const std::string& record) -> Result<void> {
            ++summary.skipped;
            return callbacks.unsupported ? callbacks.unsupported(record) : Result<void>{};
        };
    }
    inner.sink = [&](NewToken&& token, std::string_view what) -> Result<void> {
        if (token.seed.size() < 16 && callbacks.warn) {
            callbacks.warn(std::string(what) + " (serial " + token.description.serial +
                           "): the secret is " + std::to_string(token.seed.size()) +
                           " bytes; RFC 4226 requires at least 16 (128 bits)");
        }
        auto sealed = sealer->seal(std::move(token), what);
        if (!sealed)
            return tl::unexpected(sealed.error());
        if (!queue.push(Record{std::move(*sealed), std::string(what)}))
            return fail(ErrorCode::internal, "import stopped");  // write_error says why
        return {};
    };
    Result<std::size_t> read = 0;
    switch (summary.format) {
        case ImportFormat::pskc:
            read = read_pskc_file(request.path, request.keys, inner);
            break;
        case ImportFormat::csv:
            read = read_csv(text_view, request.path, inner);
            break;
        case ImportFormat::uri:
            read = read_uri_list(text_view, request.path, inner);
            break;
        case ImportFormat::safenet_xml:
        case ImportFormat::etoken_dat:
        case ImportFormat::entra_csv:
        case ImportFormat::privacyidea_csv:
        case ImportFormat::pam_oath:
            read = read_vendor_file(summary.format, text_view, request.path, inner);
            break;
    }
    // Even when reading failed, the writer adds what is queued: those records come before the
    // reader's failure, so an error among them is the earlier one and is reported instead.
    queue.close();
    join_writer->drain();
    join_writer.reset();  // waits for the writer: after a close it has added every record
    if (write_error)
        return tl::unexpected(*write_error);  // the Import's destructor rolls back
    if (!read)
        return tl::unexpected(read.error());
    summary.added = import->added();
    summary.replaced = import->replaced();
    if (auto ok = import->commit(); !ok)
        return tl::unexpected(ok.error());
    return summary;
}

}  // namespace hwtotp::store
