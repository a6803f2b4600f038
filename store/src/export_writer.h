#pragma once
// The writers behind export_tokens(): one per format, each in its own export_<format>.cpp.
//
// export_tokens() walks the registry: prepare() (on a thread of its own, while the first tokens
// are read) and begin(), then for each token refusal() and seed_refusal() (a token the format
// cannot carry stops the export, which leaves no file, or is skipped, for "all tokens") and
// write() (its seed wiped after), then end(). A writer whose header or order depends on all
// tokens (needs_overview) gets a walk over the descriptions first, before anything is written.
// No writer holds all tokens, and at most a bounded number wait for prepare(): memory stays
// flat in their number.

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "export_file.h"
#include "hwtotp/store/export.h"
#include "hwtotp/store/token.h"

namespace hwtotp::store {

// What the check pass learnt about the tokens to be written, for a header that depends on them.
struct ExportOverview {
    std::size_t tokens = 0;
    bool any_owner = false;  // one of them has an owner
};

class ExportWriter {
  public:
    ExportWriter() = default;
    ExportWriter(const ExportWriter&) = delete;
    ExportWriter& operator=(const ExportWriter&) = delete;
    virtual ~ExportWriter() = default;

    // Why the format cannot carry this token ("HMAC-SHA256: pam_oath computes HMAC-SHA1
    // only"), or "" when it can.
    [[nodiscard]] virtual std::string refusal(const TokenInfo& token) const = 0;
    // The same for what only the seed tells (its length), asked just before write().
    [[nodiscard]] virtual std::string seed_refusal(const TokenInfo& /*token*/,
                                                   const Secret& /*seed*/) const {
        return {};
    }
    // Whether the format keeps the clock offset (PSKC TimeDrift); the others lose it.
    [[nodiscard]] virtual bool carries_offset() const { return false; }
    // Whether begin() needs the overview or the tokens an order (a walk over them before writing).
    [[nodiscard]] virtual bool needs_overview() const { return reorders(); }
    // Whether the format needs the tokens in another order than the registry's (then order()
    // is given all of them, descriptions only).
    [[nodiscard]] virtual bool reorders() const { return false; }
    // Puts the tokens into the order the format needs (pam_oath: a user's lines in order).
    virtual void order(std::vector<TokenInfo>& /*tokens*/) const {}
    // The writer's slow setup (deriving a key from a password), run on a thread of its own while
    // the first tokens are read; nothing else of the writer is called until it returns. What a
    // caller gave is checked when the writer is made, so only the unforeseen fails here.
    [[nodiscard]] virtual Result<void> prepare() { return {}; }
    // Whether prepare() takes long enough to be worth a thread (a key derivation); otherwise it
    // runs before the first token, with no thread and no token waiting.
    [[nodiscard]] virtual bool slow_to_prepare() const { return false; }
    // The file's header, knowing what the check pass learnt of the tokens that will follow (for
    // a header that depends on them, as privacyIDEA's user columns).
    [[nodiscard]] virtual Result<void> begin(const ExportOverview& overview, ExportFile& out) = 0;
    [[nodiscard]] virtual Result<void> write(const Token& token, ExportFile& out) = 0;
    // Tokens that came together (those read while prepare() ran), already checked: the same
    // file as write() for each in turn, which a writer may produce on more than one thread.
    [[nodiscard]] virtual Result<void> write_all(std::span<const Token> tokens, ExportFile& out) {
        for (const Token& token : tokens)
            HWTOTP_TRY(write(token, out));
        return {};
    }
    [[nodiscard]] virtual Result<void> end(ExportFile& /*out*/) { return {}; }
};

// PSKC; refuses a protection that is not exactly one of key, password and plain.
[[nodiscard]] Result<std::unique_ptr<ExportWriter>> make_pskc_writer(
    const PskcProtection& protection);
[[nodiscard]] std::unique_ptr<ExportWriter> make_pam_oath_writer();
[[nodiscard]] std::unique_ptr<ExportWriter> make_entra_csv_writer();
[[nodiscard]] std::unique_ptr<ExportWriter> make_privacyidea_csv_writer();
[[nodiscard]] std::unique_ptr<ExportWriter> make_uri_writer();

// The otpauth URI of a token (serial= carries its serial), and why a token has none ("" when
// it has one). The URI holds the seed: keep it in a SeedText.
[[nodiscard]] std::string token_uri(const Token& token);
[[nodiscard]] std::string uri_refusal(const TokenInfo& token);

// Text that is about to hold a seed (a hex or base32 key, a line): wiped when it goes.
class SeedText {
  public:
    SeedText() = default;
    explicit SeedText(std::string text) : text_(std::move(text)) {}
    SeedText(const SeedText&) = delete;
    SeedText& operator=(const SeedText&) = delete;
    ~SeedText();
    [[nodiscard]] std::string& text() { return text_; }

  private:
    std::string text_;
};

// Why a free-text field (label, issuer, manufacturer: imported from any file) cannot go into a
// text format, or "": a control character (XML 1.0 cannot hold one at all, a line break would
// split a CSV or usersfile line) or bytes that are not UTF-8 (XML parsers and Entra refuse them).
[[nodiscard]] std::string free_text_problem(std::string_view field, std::string_view value);

// "HMAC-SHA1", "HMAC-SHA256" or "HMAC-SHA512" (PSKC's Suite spelling).
[[nodiscard]] std::string hmac_label(Hash hash);

// One line of text around a seed's encoding, built in storage sized once (no reallocation
// leaves a copy of the seed behind) and wiped when it goes.
class SeedLine {
  public:
    SeedLine(std::string_view before, std::string_view seed_text, std::string_view after);
    SeedLine(const SeedLine&) = delete;
    SeedLine& operator=(const SeedLine&) = delete;
    ~SeedLine();
    [[nodiscard]] std::string_view text() const { return text_; }

  private:
    std::string text_;
};

// A CSV field as RFC 4180 writes it: quoted (with "" for a quote) when it holds a comma, a quote
// or a line break, or starts with '#' (which would make its line a comment to hwtotp's reader).
[[nodiscard]] std::string csv_field(std::string_view value);

}  // namespace hwtotp::store
