// export_tokens(): which tokens, in which order, checked against the format before anything is
// written; then each seed decrypted, written and wiped, one token at a time.

#include "hwtotp/store/export.h"

#include <cctype>
#include <set>

#include "export_qr.h"
#include "export_writer.h"
#include "hwtotp/totp/otpauth.h"
#include "text_util.h"

namespace hwtotp::store {
namespace {

constexpr std::string_view accepted_formats = "pskc, pam-oath, entra-csv, privacyidea-csv, uri";

Result<std::unique_ptr<ExportWriter>> make_writer(const ExportRequest& request) {
    switch (request.format) {
        case ExportFormat::pskc:
            return make_pskc_writer(request.pskc);
        case ExportFormat::pam_oath:
            return make_pam_oath_writer();
        case ExportFormat::entra_csv:
            return make_entra_csv_writer();
        case ExportFormat::privacyidea_csv:
            return make_privacyidea_csv_writer();
        case ExportFormat::uri:
            return make_uri_writer();
    }
    return fail(ErrorCode::internal, "unknown export format");
}

// The named tokens (not_found for the first absent one, a repeated serial once), or all.
Result<std::vector<TokenInfo>> select_tokens(Registry& registry,
                                             const std::vector<std::string>& serials) {
    if (serials.empty())
        return registry.list();
    std::vector<TokenInfo> tokens;
    std::set<std::string, std::less<>> seen;
    for (const auto& serial : serials) {
        if (!seen.insert(serial).second)
            continue;
        auto info = registry.info(serial);
        if (!info) {
            if (info.error().code == ErrorCode::not_found)
                return fail(ErrorCode::not_found, "no token with serial " + serial +
                                                      " in the registry " + registry.paths().db);
            return tl::unexpected(info.error());
        }
        tokens.push_back(std::move(*info));
    }
    return tokens;
}

// Drops (all tokens) or refuses (named tokens) those the format cannot carry.
Result<void> keep_writable(std::vector<TokenInfo>& tokens, const ExportWriter& writer,
                           const ExportRequest& request, ExportSummary& summary) {
    const auto name = export_format_name(request.format);
    std::vector<TokenInfo> kept;
    kept.reserve(tokens.size());
    for (auto& token : tokens) {
        const std::string why = writer.refusal(token);
        if (why.empty()) {
            kept.push_back(std::move(token));
            continue;
        }
        const std::string what = "serial " + token.description.serial + ": " + why;
        if (!request.serials.empty())
            return fail(ErrorCode::invalid_input,
                        what + " (the " + std::string(name) + " format cannot carry it)");
        summary.skipped.push_back(token.description.serial + ": " + why);
    }
    if (kept.empty()) {
        return fail(ErrorCode::invalid_input,
                    tokens.empty() ? std::string("the registry holds no tokens")
                                   : "no token in the registry can be written as " +
                                         std::string(name) + " (" + summary.skipped.front() +
                                         (summary.skipped.size() > 1 ? "; ..." : "") + ")");
    }
    tokens = std::move(kept);
    return {};
}

void warn_lost_offsets(const std::vector<TokenInfo>& tokens, const ExportWriter& writer,
                       const ExportRequest& request, const ExportCallbacks& callbacks) {
    if (writer.carries_offset() || !callbacks.warn)
        return;
    std::size_t drifted = 0;
    for (const auto& token : tokens)
        drifted += token.state.offset_steps != 0 ? 1U : 0U;
    if (drifted > 0) {
        callbacks.warn(std::to_string(drifted) + " token" + (drifted == 1 ? "'s" : "s'") +
                       " clock offset is not carried by " +
                       std::string(export_format_name(request.format)) +
                       " (the verifier starts at offset 0; PSKC keeps it as TimeDrift)");
    }
}

// Writes each token, its seed decrypted just for it. Returns how many were written.
// With a QR directory, each token's QR code too.
Result<std::size_t> write_tokens(Registry& registry, const std::vector<TokenInfo>& tokens,
                                 ExportWriter& writer, const ExportRequest& request,
                                 ExportFile& out, QrFiles& qr, ExportSummary& summary) {
    HWTOTP_TRY(writer.begin(tokens, out));
    std::size_t written = 0;
    for (const auto& info : tokens) {
        // One seed in memory at a time, wiped when `token` goes.
        HWTOTP_ASSIGN_OR_RETURN(const Token token, registry.get(info.description.serial));
        if (const auto why = writer.seed_refusal(token.info, token.seed); !why.empty()) {
            if (!request.serials.empty()) {
                return fail(ErrorCode::invalid_input,
                            "serial " + info.description.serial + ": " + why + " (the " +
                                std::string(export_format_name(request.format)) +
                                " format cannot carry it)");
            }
            summary.skipped.push_back(info.description.serial + ": " + why);
            continue;
        }
        HWTOTP_TRY(writer.write(token, out));
        if (!request.qr_dir.empty())
            HWTOTP_TRY(qr.write(token, request.qr_dir, request.replace));
        ++written;
    }
    if (written == 0) {
        return fail(ErrorCode::invalid_input, "no token in the registry can be written as " +
                                                  std::string(export_format_name(request.format)) +
                                                  " (" + summary.skipped.front() +
                                                  (summary.skipped.size() > 1 ? "; ..." : "") +
                                                  ")");
    }
    HWTOTP_TRY(writer.end(out));
    return written;
}

}  // namespace

Result<ExportFormat> parse_export_format(std::string_view text) {
    const std::string name = text::lower(text);
    if (name == "pskc")
        return ExportFormat::pskc;
    if (name == "pam-oath")
        return ExportFormat::pam_oath;
    if (name == "entra-csv")
        return ExportFormat::entra_csv;
    if (name == "privacyidea-csv")
        return ExportFormat::privacyidea_csv;
    if (name == "uri")
        return ExportFormat::uri;
    return fail(ErrorCode::invalid_input, "export format '" + std::string(text.substr(0, 32)) +
                                              "' (accepted: " + std::string(accepted_formats) +
                                              ")");
}

std::string_view export_format_name(ExportFormat format) {
    switch (format) {
        case ExportFormat::pskc:
            return "pskc";
        case ExportFormat::pam_oath:
            return "pam-oath";
        case ExportFormat::entra_csv:
            return "entra-csv";
        case ExportFormat::privacyidea_csv:
            return "privacyidea-csv";
        case ExportFormat::uri:
            return "uri";
    }
    return "pskc";
}

namespace {

// The length of the UTF-8 sequence at `text[i]`, or 0 when it is not one (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char c = byte(i);
    if (c < 0x80)
        return 1;
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1FU;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0FU;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07U;
    } else {
        return 0;
    }
    if (i + n > text.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3FU);
    }
    static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

}  // namespace

std::string free_text_problem(std::string_view field, std::string_view value) {
    for (std::size_t i = 0; i < value.size();) {
        const auto c = static_cast<unsigned char>(value[i]);
        if (c < 0x20 || c == 0x7F)
            return "its " + std::string(field) + " holds a control character";
        const std::size_t n = utf8_sequence(value, i);
        if (n == 0)
            return "its " + std::string(field) + " is not UTF-8 text";
        i += n;
    }
    return {};
}

std::string hmac_label(Hash hash) {
    std::string name(hash_name(hash));
    for (auto& c : name)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return "HMAC-" + name;
}

SeedText::~SeedText() {
    wipe_memory(text_.data(), text_.size());
}

SeedLine::SeedLine(std::string_view before, std::string_view seed_text, std::string_view after) {
    text_.reserve(before.size() + seed_text.size() + after.size());
    text_.append(before).append(seed_text).append(after);
}

SeedLine::~SeedLine() {
    wipe_memory(text_.data(), text_.size());
}

std::string csv_field(std::string_view value) {
    if (value.find_first_of(",\"\r\n") == std::string_view::npos && !value.starts_with('#'))
        return std::string(value);
    std::string out = "\"";
    for (const char c : value) {
        out += c;
        if (c == '"')
            out += '"';
    }
    return out + "\"";
}

Result<ExportSummary> export_tokens(Registry& registry, const ExportRequest& request,
                                    const ExportCallbacks& callbacks) {
    ExportSummary summary;
    summary.format = request.format;
    if (!request.qr_dir.empty() && request.format != ExportFormat::uri)
        return fail(ErrorCode::invalid_input, "QR codes are made of otpauth URIs only");
    if (!request.qr_dir.empty())
        HWTOTP_TRY(check_private_directory(request.qr_dir));
    HWTOTP_ASSIGN_OR_RETURN(auto writer, make_writer(request));
    HWTOTP_ASSIGN_OR_RETURN(auto tokens, select_tokens(registry, request.serials));
    HWTOTP_TRY(keep_writable(tokens, *writer, request, summary));
    writer->order(tokens);

    HWTOTP_ASSIGN_OR_RETURN(auto out, ExportFile::create(request.output, request.replace));
    QrFiles qr;
    HWTOTP_ASSIGN_OR_RETURN(summary.written,
                            write_tokens(registry, tokens, *writer, request, out, qr, summary));
    HWTOTP_TRY(out.commit());
    qr.keep();
    summary.qr_codes = qr.size();
    warn_lost_offsets(tokens, *writer, request, callbacks);
    return summary;
}

}  // namespace hwtotp::store
