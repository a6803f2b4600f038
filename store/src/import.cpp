// import_file: read, decode and seal every record, then add them all in one short transaction.

#include "hwtotp/store/import.h"

#include <deque>

#include "file_util.h"
#include "hwtotp/store/hints.h"
#include "hwtotp/store/vendor_import.h"
#include "hwtotp/totp/limits.h"
#include "text_util.h"

namespace hwtotp::store {
namespace {

struct Record {
    SealedToken token;
    std::string what;
};

// Every record of the file, decoded and sealed, in file order. Only sealed seeds are kept (a
// few hundred bytes a token): the plaintext is wiped as soon as it is sealed.
using SealedRecords = std::deque<Record>;

// The requested format, else the extension, else the first few KiB of the file.
Result<ImportFormat> choose_format(const ImportRequest& request) {
    if (request.format)
        return *request.format;
    HWTOTP_ASSIGN_OR_RETURN(auto file, files::open_for_reading(request.path));
    std::string head(4096, '\0');
    HWTOTP_ASSIGN_OR_RETURN(const std::size_t n, file.read(head));
    head.resize(n);
    const ImportFormat format = detect_import_format(request.path, head);
    wipe_memory(head.data(), head.size());
    return format;
}

// The write phase: one short transaction, the only part of an import that holds the write lock.
// When reading failed (`read`), the records read before the failure are still added and then
// rolled back: a duplicate among them is the file's earlier error, and the one reported.
Result<ImportSummary> add_all(Registry& registry, const ImportRequest& request, std::int64_t now,
                              SealedRecords& records, const Result<std::size_t>& read,
                              ImportSummary summary) {
    HWTOTP_ASSIGN_OR_RETURN(auto import, registry.begin_import(request.replace, now));
    for (Record& r : records)
        HWTOTP_TRY(import.add(std::move(r.token), r.what));
    HWTOTP_TRY(read);  // a failed read: the Import's destructor rolls back
    summary.added = import.added();
    summary.replaced = import.replaced();
    HWTOTP_TRY(import.commit());
    return summary;
}

// The callbacks a reader calls: each record is checked and sealed as soon as it is decoded, so
// a plaintext seed lives only as long as one record. Unsupported records are refused unless
// the request says to skip them (counted in `skipped`).
ImportCallbacks sealing_callbacks(const ImportCallbacks& callbacks, const ImportRequest& request,
                                  std::int64_t now, Import::Sealer& sealer, SealedRecords& records,
                                  std::size_t& skipped) {
    ImportCallbacks inner = callbacks;
    inner.now = now;
    inner.unsupported = nullptr;
    if (request.skip_unsupported) {
        inner.unsupported = [&callbacks, &skipped](const std::string& record) -> Result<void> {
            ++skipped;
            return callbacks.unsupported ? callbacks.unsupported(record) : Result<void>{};
        };
    }
    inner.sink = [&callbacks, &sealer, &records](NewToken&& token,
                                                 std::string_view what) -> Result<void> {
        if (auto warning = limits::short_seed_warning(token.seed.size());
            warning && callbacks.warn) {
            callbacks.warn(std::string(what) + " (serial " + token.description.serial +
                           "): " + *warning);
        }
        HWTOTP_ASSIGN_OR_RETURN(auto sealed, sealer.seal(std::move(token), what));
        records.push_back(Record{std::move(sealed), std::string(what)});
        return {};
    };
    return inner;
}

// Reads the file with the reader of its format (PSKC from the file itself, as it streams; the
// others from `text`, read whole); the number of records read.
Result<std::size_t> read_records(ImportFormat format, std::string_view text,
                                 const ImportRequest& request, const ImportCallbacks& callbacks) {
    switch (format) {
        case ImportFormat::pskc:
            return read_pskc_file(request.path, request.keys, callbacks);
        case ImportFormat::csv:
            return read_csv(text, request.path, callbacks);
        case ImportFormat::uri:
            return read_uri_list(text, request.path, callbacks);
        case ImportFormat::safenet_xml:
        case ImportFormat::etoken_dat:
        case ImportFormat::entra_csv:
        case ImportFormat::privacyidea_csv:
        case ImportFormat::pam_oath:
            return read_vendor_file(format, text, request.path, callbacks);
    }
    return std::size_t{0};
}

}  // namespace

Result<ImportSummary> import_file(Registry& registry, const ImportRequest& request,
                                  std::int64_t now, const ImportCallbacks& callbacks) {
    if (!request.keys.key.empty() && !request.keys.password.empty())
        return fail(ErrorCode::invalid_input,
                    "a pre-shared key and a password were both given (give one)");
    ImportSummary summary;
    HWTOTP_ASSIGN_OR_RETURN(summary.format, choose_format(request));
    if (summary.format != ImportFormat::pskc &&
        (!request.keys.key.empty() || !request.keys.password.empty())) {
        return fail(ErrorCode::invalid_input, std::string(hint::pskc_secret_given) + " for a " +
                                                  std::string(import_format_name(summary.format)) +
                                                  " file (only PSKC files are encrypted)");
    }
    // CSV and URI lists are read whole (about 60 bytes a token); PSKC streams.
    std::string content;
    struct Wipe {
        std::string& s;
        ~Wipe() { wipe_memory(s.data(), s.size()); }
    } wipe{content};
    if (summary.format != ImportFormat::pskc) {
        HWTOTP_ASSIGN_OR_RETURN(content, files::read_text(request.path));
    } else if (!files::exists(request.path)) {
        return fail(ErrorCode::not_found, "cannot open " + request.path + ": no such file");
    }
    std::string_view text_view = content;
    if (text_view.starts_with("\xEF\xBB\xBF"))
        text_view.remove_prefix(3);

    // First the slow part, with no lock held: read, decrypt (a PBKDF2 key derivation can take
    // seconds), check and seal every record. Other processes keep verifying meanwhile.
    HWTOTP_ASSIGN_OR_RETURN(auto sealer, registry.sealer());
    SealedRecords records;
    const ImportCallbacks inner =
        sealing_callbacks(callbacks, request, now, sealer, records, summary.skipped);
    const Result<std::size_t> read = read_records(summary.format, text_view, request, inner);
    if (!read && records.empty())
        return tl::unexpected(read.error());
    return add_all(registry, request, now, records, read, summary);
}

}  // namespace hwtotp::store
