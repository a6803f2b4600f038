// export_tokens(): the tokens are walked in the registry (Registry::for_each_token), never all held
// at once, so memory does not grow with their number. Each is checked against the format and
// written as it is read, its seed decrypted, written and wiped; only while the writer's setup
// runs (a PSKC key derived from a password) do the first ones wait, a bounded number
// (export_read_ahead.h). A refusal midway leaves no file (the output is a temporary until the
// end). Formats whose header or order depends on all tokens, and QR codes, get a check walk
// first, before anything is written.

#include "hwtotp/store/export.h"

#include <cctype>
#include <set>

#include "export_qr.h"
#include "export_read_ahead.h"
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

// The named serials, each once, in their order (empty: all tokens).
std::vector<std::string> unique_serials(const std::vector<std::string>& serials) {
    std::vector<std::string> unique;
    std::set<std::string, std::less<>> seen;
    for (const auto& serial : serials) {
        if (seen.insert(serial).second)
            unique.push_back(serial);
    }
    return unique;
}

// What the check pass learnt: enough for a header that depends on the tokens, nothing per
// token (except for a format that reorders them: their serials, in its order).
struct ExportPlan {
    ExportOverview overview;
    // The tokens to walk when writing: those named, or (empty) all; a reordering format's order.
    std::vector<std::string> serials;
    bool checked = false;  // a check walk came first: what it skipped is in the summary
};

Error cannot_carry(const ExportRequest& request, const std::string& serial,
                   const std::string& why) {
    return Error{ErrorCode::invalid_input, "serial " + serial + ": " + why + " (the " +
                                               std::string(export_format_name(request.format)) +
                                               " format cannot carry it)"};
}

Error none_writable(const ExportRequest& request, const std::vector<std::string>& skipped) {
    if (skipped.empty())
        return Error{ErrorCode::invalid_input, "the registry holds no tokens"};
    return Error{ErrorCode::invalid_input, "no token in the registry can be written as " +
                                               std::string(export_format_name(request.format)) +
                                               " (" + skipped.front() +
                                               (skipped.size() > 1 ? "; ..." : "") + ")"};
}

// Whether every token is checked in a walk of its own before the output is created: when the
// header or the order depends on all tokens, and for QR codes (replacing one is not undone).
// Otherwise the writing walk checks each token before writing it, and a refusal midway leaves
// nothing: the output is a temporary file until the end (export_file.h). One walk instead of two.
bool check_first(const ExportWriter& writer, const ExportRequest& request) {
    return writer.needs_overview() || !request.qr_dir.empty();
}

// The check walk, without opening a seed: refuses a named token the format cannot carry (all
// tokens: skips it into summary.skipped), and an export where no token is left; learns the
// overview and (reordering formats) the order.
Result<ExportPlan> check_tokens(Registry& registry, ExportWriter& writer,
                                const ExportRequest& request, ExportSummary& summary) {
    ExportPlan plan;
    plan.checked = true;
    plan.serials = unique_serials(request.serials);
    std::vector<std::string>& skipped = summary.skipped;
    std::vector<TokenInfo> to_order;  // only for a format that reorders
    const auto check = [&](const TokenInfo& token) -> Result<void> {
        const std::string& serial = token.description.serial;
        if (const std::string why = writer.refusal(token); !why.empty()) {
            if (!request.serials.empty())
                return tl::unexpected(cannot_carry(request, serial, why));
            skipped.push_back(serial + ": " + why);
            return {};
        }
        ++plan.overview.tokens;
        plan.overview.any_owner = plan.overview.any_owner || !token.description.owner.empty();
        if (writer.reorders())
            to_order.push_back(token);
        return {};
    };
    HWTOTP_TRY(registry.for_each_token_info(plan.serials, check));
    if (plan.overview.tokens == 0)
        return tl::unexpected(none_writable(request, skipped));
    if (writer.reorders()) {
        writer.order(to_order);
        plan.serials.clear();
        for (const auto& token : to_order)
            plan.serials.push_back(token.description.serial);
    }
    return plan;
}

void warn_lost_offsets(std::size_t drifted, const ExportWriter& writer,
                       const ExportRequest& request, const ExportCallbacks& callbacks) {
    if (writer.carries_offset() || !callbacks.warn || drifted == 0)
        return;
    callbacks.warn(std::to_string(drifted) + " token" + (drifted == 1 ? "'s" : "s'") +
                   " clock offset is not carried by " +
                   std::string(export_format_name(request.format)) +
                   " (the verifier starts at offset 0; PSKC keeps it as TimeDrift)");
}

// Where the tokens go and what came of them.
struct WriteTarget {
    ExportWriter& writer;
    ExportFile& out;
    QrFiles& qr;
    ExportSummary& summary;
    std::size_t drifted = 0;
    std::size_t written = 0;
};

// Whether `token` is to be written: those the format cannot carry are refused (named) or
// skipped (all).
Result<bool> writable(const Token& token, const ExportPlan& plan, const ExportRequest& request,
                      WriteTarget& target) {
    const std::string& serial = token.info.description.serial;
    std::string why = target.writer.refusal(token.info);
    if (!why.empty() && plan.checked && request.serials.empty())
        return false;  // the check walk skipped it already
    if (why.empty())
        why = target.writer.seed_refusal(token.info, token.seed);
    if (why.empty())
        return true;
    if (!request.serials.empty())
        return tl::unexpected(cannot_carry(request, serial, why));
    target.summary.skipped.push_back(serial + ": " + why);
    return false;
}

// What follows a token's writing: its QR code, and the counts.
Result<void> written(const Token& token, const ExportRequest& request, WriteTarget& target) {
    if (!request.qr_dir.empty())
        HWTOTP_TRY(target.qr.write(token, request.qr_dir, request.replace));
    target.drifted += token.info.state.offset_steps != 0 ? 1U : 0U;
    ++target.written;
    return {};
}

// One token: checked, then written.
Result<void> write_token(const Token& token, const ExportPlan& plan, const ExportRequest& request,
                         WriteTarget& target) {
    HWTOTP_ASSIGN_OR_RETURN(const bool write, writable(token, plan, request, target));
    if (!write)
        return {};
    HWTOTP_TRY(target.writer.write(token, target.out));
    return written(token, request, target);
}

// The tokens that waited for the writer's setup: each checked in turn, then those to write
// handed to the writer together (it may spread the work over threads).
Result<void> write_waiting(std::vector<Token>& tokens, const ExportPlan& plan,
                           const ExportRequest& request, WriteTarget& target) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        HWTOTP_ASSIGN_OR_RETURN(const bool write, writable(tokens[i], plan, request, target));
        if (write && kept != i)
            tokens[kept] = std::move(tokens[i]);
        kept += write ? 1U : 0U;
    }
    tokens.resize(kept);
    HWTOTP_TRY(target.writer.write_all(tokens, target.out));
    for (const Token& token : tokens)
        HWTOTP_TRY(written(token, request, target));
    return {};
}

// The writing walk: each token read, opened and written in registry order, the writer's setup
// overlapping the first reads (export_read_ahead.h); the counts land in `target`.
Result<void> write_tokens(Registry& registry, const ExportPlan& plan, const ExportRequest& request,
                          WriteTarget& target) {
    ReadAhead writer(
        target.writer, [&] { return target.writer.begin(plan.overview, target.out); },
        [&](const Token& token) { return write_token(token, plan, request, target); },
        [&](std::vector<Token>& tokens) { return write_waiting(tokens, plan, request, target); });
    HWTOTP_TRY(
        registry.for_each_token(plan.serials, [&](Token& token) { return writer.take(token); }));
    HWTOTP_TRY(writer.finish());
    if (target.written == 0)
        return tl::unexpected(none_writable(request, target.summary.skipped));
    return target.writer.end(target.out);
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
    ExportPlan plan;
    if (check_first(*writer, request)) {
        HWTOTP_ASSIGN_OR_RETURN(plan, check_tokens(registry, *writer, request, summary));
    } else {
        plan.serials = unique_serials(request.serials);
    }

    HWTOTP_ASSIGN_OR_RETURN(auto out, ExportFile::create(request.output, request.replace));
    QrFiles qr;
    WriteTarget target{*writer, out, qr, summary};
    HWTOTP_TRY(write_tokens(registry, plan, request, target));
    HWTOTP_TRY(out.commit());
    qr.keep();
    summary.written = target.written;
    summary.qr_codes = qr.size();
    warn_lost_offsets(target.drifted, *writer, request, callbacks);
    return summary;
}

}  // namespace hwtotp::store
