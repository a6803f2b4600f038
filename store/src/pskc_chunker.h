#pragma once
// Splits a PSKC document into its header and one piece per KeyPackage while reading it, so that
// an import of 100,000 keys holds one KeyPackage at a time, not the whole DOM.
//
// A small lexer, not a parser: it follows comments, CDATA, processing instructions, quoted
// attribute values and the element nesting (end tags must match), finds the children of the
// root element, and leaves everything inside a piece to the XML parser. Any DOCTYPE or other
// "<!" declaration is refused. Pure text: no XML library, no files.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/totp/error.h"

namespace hwtotp::store {

class PskcChunker {
  public:
    // Fills the span and returns the number of bytes read; 0 at the end of the input.
    using Reader = std::function<Result<std::size_t>(std::span<char>)>;

    static constexpr std::size_t max_piece_size = 16u << 20;  // 16 MiB per KeyPackage or header

    explicit PskcChunker(Reader reader);
    PskcChunker(const PskcChunker&) = delete;
    PskcChunker& operator=(const PskcChunker&) = delete;
    ~PskcChunker();  // wipes what it still holds (plain seeds pass through it)

    enum class Kind { header, package, end };
    struct Piece {
        Kind kind = Kind::end;
        // header: the root start tag and everything before the first KeyPackage, closed with a
        // synthetic end tag (or the whole root element when it holds no KeyPackage).
        // package: one KeyPackage element, valid until the next call; may be modified in place.
        std::span<char> text;
        std::uint64_t offset = 0;  // of the piece's first byte in the input
    };

    // The header first, then every KeyPackage in order, then end (repeatedly).
    // Errors are ErrorCode::invalid_input naming the byte offset.
    [[nodiscard]] Result<Piece> next();

    [[nodiscard]] std::uint64_t bytes_read() const { return bytes_read_; }

  private:
    [[nodiscard]] Result<bool> fill();
    [[nodiscard]] Error malformed(std::size_t index, const std::string& what) const;
    // Makes sure buf_ holds at least `count` bytes from `index` (fewer only at the end).
    [[nodiscard]] Result<void> want(std::size_t index, std::size_t count);
    // Finds `needle` at or after `from`, reading more as needed; npos at the end of input.
    [[nodiscard]] Result<std::size_t> find(std::string_view needle, std::size_t from);
    // The end of the KeyPackage element `name` whose start tag ends before pos_, found without
    // lexing the tags inside it; nullopt when the package must be lexed tag by tag instead.
    [[nodiscard]] Result<std::optional<std::size_t>> skim_package(std::string_view name);

    // The steps of next(), each on the construct that starts with the '<' at pos_. Each returns
    // the piece the construct completes, or nullopt when scanning goes on.
    [[nodiscard]] Result<std::optional<Piece>> next_construct();
    [[nodiscard]] Result<std::optional<Piece>> end_of_input();
    [[nodiscard]] Result<void> skip_to(std::string_view terminator, const char* what);
    [[nodiscard]] Result<std::optional<Piece>> end_tag();
    [[nodiscard]] Result<std::optional<Piece>> start_tag();
    [[nodiscard]] Result<std::size_t> start_tag_end();
    [[nodiscard]] Result<std::optional<Piece>> package_body(const std::string& qname,
                                                            std::size_t gt);
    [[nodiscard]] Piece header_piece(bool close_root);
    [[nodiscard]] Piece package_piece();
    [[nodiscard]] std::string_view open_name() const {
        return std::string_view(open_names_).substr(stack_.back());
    }

    Reader reader_;
    std::string buf_;
    std::uint64_t base_ = 0;  // input offset of buf_[0]
    std::size_t pos_ = 0;     // scan position in buf_
    bool eof_ = false;
    bool done_ = false;         // the root element has closed
    bool header_done_ = false;  // the header piece was returned
    // The names of the open elements, end to end in one string (stack_ holds where each
    // starts): no allocation per element once the deepest nesting has been seen.
    std::string open_names_;
    std::vector<std::size_t> stack_;
    std::string root_name_;
    std::size_t root_start_ = 0;
    std::size_t package_start_ = std::string::npos;
    std::string header_;
    std::uint64_t bytes_read_ = 0;
};

}  // namespace hwtotp::store
