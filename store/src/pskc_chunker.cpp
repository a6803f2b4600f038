// PSKC chunker: a streaming lexer that cuts the document at KeyPackage boundaries (Device
// boundaries in the pre-RFC drafts' layout).

#include "pskc_chunker.h"

#include <algorithm>
#include <cstring>

#include "hwtotp/totp/secret.h"

namespace hwtotp::store {
namespace {

constexpr std::size_t read_size = 64 * 1024;

std::string_view local_part(std::string_view qname) {
    const auto colon = qname.find(':');
    return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

// The root: RFC 6030's KeyContainer, or SecretContainer from the pre-RFC drafts
// (draft-hoyer-keyprov-portable-symmetric-key-container) that some products still export.
bool is_container(std::string_view qname) {
    const auto local = local_part(qname);
    return local == "KeyContainer" || local == "SecretContainer";
}

// A child of the root holding one device's keys: RFC 6030's KeyPackage, or the drafts' Device.
bool is_package(std::string_view qname) {
    const auto local = local_part(qname);
    return local == "KeyPackage" || local == "Device";
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

using MaybePiece = std::optional<PskcChunker::Piece>;

}  // namespace

PskcChunker::PskcChunker(Reader reader) : reader_(std::move(reader)) {}

PskcChunker::~PskcChunker() {
    wipe_memory(buf_.data(), buf_.size());
    wipe_memory(header_.data(), header_.size());
}

Error PskcChunker::malformed(std::size_t index, const std::string& what) const {
    return Error{ErrorCode::invalid_input,
                 "not well-formed XML at byte " + std::to_string(base_ + index) + ": " + what};
}

Result<bool> PskcChunker::fill() {
    if (eof_)
        return false;
    // Drop what no piece needs any more; keep the header until it is returned, and the current
    // KeyPackage from its start tag on.
    std::size_t keep = pos_;
    if (!header_done_ && !root_name_.empty())
        keep = std::min(keep, root_start_);
    if (package_start_ != std::string::npos)
        keep = std::min(keep, package_start_);
    if (keep > 0) {
        wipe_memory(buf_.data(), keep);
        buf_.erase(0, keep);
        base_ += keep;
        pos_ -= keep;
        if (!header_done_ && !root_name_.empty())
            root_start_ -= keep;
        if (package_start_ != std::string::npos)
            package_start_ -= keep;
    }
    if (buf_.size() > max_piece_size) {
        return fail(ErrorCode::invalid_input,
                    "a KeyPackage (or the container header) is larger than 16 MiB near byte " +
                        std::to_string(base_));
    }
    const std::size_t old = buf_.size();
    buf_.resize(old + read_size);
    auto n = reader_(std::span<char>(buf_.data() + old, read_size));
    if (!n) {
        buf_.resize(old);
        return tl::unexpected(n.error());
    }
    buf_.resize(old + *n);
    bytes_read_ += *n;
    if (*n == 0)
        eof_ = true;
    return *n > 0;
}

Result<void> PskcChunker::want(std::size_t index, std::size_t count) {
    // `index` is relative to buf_, which fill() may shift: callers pass pos_-relative offsets.
    while (buf_.size() - std::min(buf_.size(), index) < count) {
        const std::size_t before = pos_;
        HWTOTP_ASSIGN_OR_RETURN(const bool more, fill());
        index -= before - pos_;
        if (!more)
            break;
    }
    return {};
}

Result<std::size_t> PskcChunker::find(std::string_view needle, std::size_t from) {
    for (;;) {
        const auto at = buf_.find(needle, from);
        if (at != std::string::npos)
            return at;
        const std::size_t before = pos_;
        HWTOTP_ASSIGN_OR_RETURN(const bool more, fill());
        const std::size_t shift = before - pos_;
        from = from - shift;
        if (!more)
            return std::string::npos;
        // Re-scan the tail that may hold a partial needle.
        from = std::max(from, buf_.size() > needle.size() + read_size
                                  ? buf_.size() - read_size - needle.size()
                                  : std::size_t{0});
    }
}

// Most of an import's reading is the inside of KeyPackages, which the XML parser goes through
// anyway: lexing each tag here as well cost as much as the parse. So a package is skimmed: the
// '<' inside it are visited with memchr, and the first end tag with the package's own name ends
// it. That is only sound when nothing inside can hide or fake an end tag: a comment, CDATA
// section, processing instruction or declaration ('<!', '<?'), or an element of the same name.
// Any of those sends the package back to the lexer, tag by tag. The XML parser still checks
// the piece's well-formedness either way ('<' inside an attribute value, which XML forbids,
// would end the piece early and fail there).
Result<std::optional<std::size_t>> PskcChunker::skim_package(std::string_view name) {
    // Enough to read "</" name, blanks and '>' at one '<' without refilling in between.
    const std::size_t look = name.size() + 16;
    std::size_t i = pos_;
    for (;;) {
        const void* hit =
            i < buf_.size() ? std::memchr(buf_.data() + i, '<', buf_.size() - i) : nullptr;
        if (hit == nullptr) {
            // No '<' up to the end of what was read: go on from there once more is read.
            const std::size_t scanned = buf_.size();
            const std::size_t before = pos_;
            HWTOTP_ASSIGN_OR_RETURN(const bool more, fill());
            if (!more)
                return std::optional<std::size_t>{};  // truncated: the lexer says where
            i = scanned - (before - pos_);
            continue;
        }
        std::size_t lt = static_cast<std::size_t>(static_cast<const char*>(hit) - buf_.data());
        if (buf_.size() - lt < look && !eof_) {
            const std::size_t before = pos_;
            HWTOTP_TRY(want(lt, look));
            lt -= before - pos_;
        }
        const std::string_view tag(buf_.data() + lt, std::min(look, buf_.size() - lt));
        if (tag.size() < 2 || tag[1] == '!' || tag[1] == '?')
            return std::optional<std::size_t>{};
        const bool end_tag = tag[1] == '/';
        const std::string_view rest = tag.substr(end_tag ? 2 : 1);
        if (rest.starts_with(name) && rest.size() > name.size()) {
            std::size_t k = name.size();
            while (k < rest.size() && is_space(rest[k]))
                ++k;
            if (k == rest.size())
                return std::optional<std::size_t>{};  // an odd run of blanks: let the lexer
            if (!end_tag && (k > name.size() || rest[k] == '>' || rest[k] == '/'))
                return std::optional<std::size_t>{};  // a nested element of the same name
            if (end_tag && rest[k] == '>')
                return std::optional<std::size_t>(lt + (end_tag ? 2 : 1) + k + 1);
        }
        i = lt + 1;
    }
}

Result<PskcChunker::Piece> PskcChunker::next() {
    if (!header_.empty()) {
        // The previous call returned the header from header_: release it now.
        wipe_memory(header_.data(), header_.size());
        header_.clear();
    }
    // One construct (comment, tag, ...) a turn: most complete no piece.
    for (;;) {
        HWTOTP_ASSIGN_OR_RETURN(auto piece, next_construct());
        if (piece)
            return *piece;
    }
}

Result<MaybePiece> PskcChunker::next_construct() {
    HWTOTP_ASSIGN_OR_RETURN(const std::size_t lt, find("<", pos_));
    if (lt == std::string::npos)
        return end_of_input();
    if (stack_.empty()) {
        std::string_view between(buf_.data() + pos_, lt - pos_);
        if (base_ + pos_ == 0 && between.starts_with("\xEF\xBB\xBF"))
            between.remove_prefix(3);
        if (!std::all_of(between.begin(), between.end(), is_space))
            return tl::unexpected(malformed(pos_, "text outside the root element"));
    }
    // pos_ is moved to lt so that fill() keeps the construct being read.
    pos_ = lt;
    // Nine bytes tell the constructs apart ("<![CDATA[" is the longest opening).
    HWTOTP_TRY(want(pos_, 9));
    const std::string_view head(buf_.data() + pos_, std::min<std::size_t>(9, buf_.size() - pos_));
    if (head.starts_with("<!--")) {
        HWTOTP_TRY(skip_to("-->", "comment"));
        return MaybePiece{};
    }
    if (head.starts_with("<![CDATA[")) {
        if (stack_.empty())
            return tl::unexpected(malformed(pos_, "CDATA outside the root element"));
        HWTOTP_TRY(skip_to("]]>", "CDATA section"));
        return MaybePiece{};
    }
    if (head.starts_with("<!")) {
        // A DOCTYPE could declare entities whose expansion the XML parser would then do.
        return fail(ErrorCode::invalid_input,
                    head.starts_with("<!DOCTYPE")
                        ? "a DOCTYPE is not allowed in a PSKC file (byte " +
                              std::to_string(base_ + pos_) + ")"
                        : "unexpected <! declaration at byte " + std::to_string(base_ + pos_) +
                              " (DOCTYPE and ENTITY are not allowed)");
    }
    if (head.starts_with("<?")) {
        HWTOTP_TRY(skip_to("?>", "processing instruction"));
        return MaybePiece{};
    }
    if (head.starts_with("</"))
        return end_tag();
    return start_tag();
}

// No '<' is left: the end piece once the root has closed, else the input stopped too soon.
Result<MaybePiece> PskcChunker::end_of_input() {
    if (!done_) {
        if (root_name_.empty())
            return fail(ErrorCode::invalid_input, "the file holds no XML element");
        return tl::unexpected(
            malformed(buf_.size(),
                      "the document ends inside <" + std::string(open_name()) + "> (truncated?)"));
    }
    pos_ = buf_.size();
    return MaybePiece(Piece{});
}

// Past a comment, CDATA section or processing instruction: its content is never lexed, so a
// '<' inside it starts nothing.
Result<void> PskcChunker::skip_to(std::string_view terminator, const char* what) {
    HWTOTP_ASSIGN_OR_RETURN(const std::size_t end, find(terminator, pos_ + 2));
    if (end == std::string::npos)
        return tl::unexpected(malformed(pos_, std::string("unterminated ") + what));
    pos_ = end + terminator.size();
    return {};
}

// An end tag must close the innermost open element; closing a KeyPackage that was lexed tag by
// tag completes it, and closing the root ends the document.
Result<MaybePiece> PskcChunker::end_tag() {
    HWTOTP_ASSIGN_OR_RETURN(const std::size_t gt, find(">", pos_));
    if (gt == std::string::npos)
        return tl::unexpected(malformed(pos_, "unterminated end tag"));
    std::string_view name(buf_.data() + pos_ + 2, gt - pos_ - 2);
    while (!name.empty() && is_space(name.back()))
        name.remove_suffix(1);
    if (stack_.empty() || name != open_name()) {
        return tl::unexpected(
            malformed(pos_, "end tag </" + std::string(name.substr(0, 64)) + "> does not match " +
                                (stack_.empty() ? std::string("any open element")
                                                : "<" + std::string(open_name()) + ">")));
    }
    pos_ = gt + 1;
    open_names_.resize(stack_.back());
    stack_.pop_back();
    if (stack_.size() == 1 && package_start_ != std::string::npos && is_package(name))
        return MaybePiece(package_piece());
    if (stack_.empty()) {
        done_ = true;
        // A root that held no KeyPackage: all of it is the header.
        if (!header_done_)
            return MaybePiece(header_piece(false));
    }
    return MaybePiece{};
}

// A start tag opens the root, a KeyPackage (a piece: the header goes first) or an element
// inside one, which is only nested.
Result<MaybePiece> PskcChunker::start_tag() {
    HWTOTP_ASSIGN_OR_RETURN(const std::size_t gt, start_tag_end());
    const bool self_closing = gt > pos_ + 1 && buf_[gt - 1] == '/';
    std::size_t name_end = pos_ + 1;
    while (name_end < gt && !is_space(buf_[name_end]) && buf_[name_end] != '/')
        ++name_end;
    const std::string_view name(buf_.data() + pos_ + 1, name_end - pos_ - 1);
    if (name.empty())
        return tl::unexpected(malformed(pos_, "a '<' that starts no element"));

    if (stack_.empty()) {
        if (done_)
            return tl::unexpected(malformed(pos_, "a second root element"));
        if (!is_container(name)) {
            return fail(ErrorCode::invalid_input, "not a PSKC file (the root element is <" +
                                                      std::string(name.substr(0, 64)) +
                                                      ">, expected <KeyContainer>)");
        }
        root_name_ = std::string(name);
        root_start_ = pos_;
    } else if (stack_.size() == 1 && is_package(name)) {
        // Return the header first; this start tag is read again on the next call.
        if (!header_done_)
            return MaybePiece(header_piece(true));
        package_start_ = pos_;
        if (self_closing) {
            pos_ = gt + 1;
            return MaybePiece(package_piece());
        }
        // A copy: skim_package may read more, which moves the buffer `name` points into.
        return package_body(std::string(name), gt);
    }
    pos_ = gt + 1;
    if (!self_closing) {
        stack_.push_back(open_names_.size());
        open_names_ += name;
    } else if (stack_.empty()) {
        done_ = true;  // <KeyContainer/>: handled when the end of input is reached
    }
    if (done_ && !header_done_)
        return MaybePiece(header_piece(false));
    return MaybePiece{};
}

// The '>' that ends the start tag at pos_: the first one outside quoted attribute values.
Result<std::size_t> PskcChunker::start_tag_end() {
    std::size_t i = pos_ + 1;
    char quote = 0;
    for (;;) {
        if (i >= buf_.size()) {
            const std::size_t before = pos_;
            HWTOTP_ASSIGN_OR_RETURN(const bool more, fill());
            i -= before - pos_;
            if (!more)
                return tl::unexpected(malformed(pos_, "unterminated start tag"));
            continue;
        }
        if (quote != 0) {
            // Attribute values (long algorithm URIs) are skipped with memchr, not per byte.
            const auto close = buf_.find(quote, i);
            if (close == std::string::npos) {
                i = buf_.size();
                continue;
            }
            quote = 0;
            i = close + 1;
            continue;
        }
        const char c = buf_[i];
        if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i;
        }
        ++i;
    }
}

// The KeyPackage whose start tag ends at gt: skimmed to its end tag when that is sound
// (skim_package), else lexed tag by tag, its end tag then completing it in end_tag().
Result<MaybePiece> PskcChunker::package_body(const std::string& qname, std::size_t gt) {
    pos_ = gt + 1;
    HWTOTP_ASSIGN_OR_RETURN(const auto end, skim_package(qname));
    if (end) {
        pos_ = *end;
        return MaybePiece(package_piece());
    }
    stack_.push_back(open_names_.size());
    open_names_ += qname;
    return MaybePiece{};
}

// The header, copied out of buf_: once it is returned, fill() no longer keeps those bytes. When
// the root is still open (a KeyPackage follows), a synthetic end tag closes it.
PskcChunker::Piece PskcChunker::header_piece(bool close_root) {
    header_done_ = true;
    header_.assign(buf_, root_start_, pos_ - root_start_);
    if (close_root)
        header_ += "</" + root_name_ + ">";
    return Piece{Kind::header, std::span<char>(header_.data(), header_.size()),
                 base_ + root_start_};
}

// The KeyPackage from package_start_ to pos_, in place in buf_ (valid until the next fill).
PskcChunker::Piece PskcChunker::package_piece() {
    Piece piece{Kind::package, std::span<char>(buf_.data() + package_start_, pos_ - package_start_),
                base_ + package_start_};
    package_start_ = std::string::npos;
    return piece;
}

}  // namespace hwtotp::store
