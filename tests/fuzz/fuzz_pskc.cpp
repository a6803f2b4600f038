// PSKC import: never crashes, never accepts a record without a serial and a secret, and the
// streaming splitter cuts a document the same way whatever sizes its reads return.
//
// Input: DOCUMENT, then optional fields, each after a '|' (the document ends at the first '|'):
//   key=HEX        the pre-shared key (e.g. key=12345678901234567890123456789012 for RFC 6030
//                  figure 6), so that encrypted values get past the MAC check and are decrypted
//   password=TEXT  the PBKDF2 password (password=qwerty for RFC 6030 figure 7)
//   reads=N,N,...  the sizes the splitter's reads return, in turn (default 1,7,2,13,64,3)
// Corpus files carry the key of the document they hold (tests/fuzz/make_pskc_corpus.py).
//
// Two runs per input: the splitter alone, fed through reads of the chosen sizes so that tags,
// comments and end tags fall across its refills, must return exactly the pieces (kind, text,
// offset) and the error that one whole-document read returns; and the import (splitter, pugixml,
// MAC checks, ciphers) over the document with the keys.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/store/import.h"
#include "pskc_chunker.h"
#include "pskc_fuzz_input.h"

namespace {

using hwtotp::fuzz::FuzzInput;
using hwtotp::store::PskcChunker;

struct Piece {
    PskcChunker::Kind kind;
    std::string text;
    std::uint64_t offset;
    bool operator==(const Piece&) const = default;
};

struct Split {
    std::vector<Piece> pieces;
    std::optional<hwtotp::Error> error;
};

// Every piece the splitter returns when its reads return sizes from `reads`, in turn. A piece
// count past the document's size means the splitter loops: stop there (and fail below).
Split split(std::string_view document, const std::vector<std::size_t>& reads) {
    std::size_t offset = 0;
    std::size_t turn = 0;
    // At most ~256 reads per document: each read costs the splitter a 64 KiB buffer resize,
    // and the fuzzer needs thousands of inputs a second.
    const std::size_t least = document.size() / 256 + 1;
    PskcChunker chunker([&](std::span<char> out) -> hwtotp::Result<std::size_t> {
        const std::size_t want = std::max(least, reads[turn++ % reads.size()]);
        const std::size_t n = std::min({out.size(), want, document.size() - offset});
        std::copy_n(document.data() + offset, n, out.data());
        offset += n;
        return n;
    });
    Split result;
    while (result.pieces.size() <= document.size() + 1) {
        auto piece = chunker.next();
        if (!piece) {
            result.error = piece.error();
            break;
        }
        if (piece->kind == PskcChunker::Kind::end)
            break;
        result.pieces.push_back(
            {piece->kind, std::string(piece->text.data(), piece->text.size()), piece->offset});
    }
    return result;
}

void check_splits_agree(std::string_view document, const std::vector<std::size_t>& reads) {
    const Split whole = split(document, {document.size() + 1});
    const Split pieces = split(document, reads);
    if (whole.pieces != pieces.pieces)
        std::abort();  // the read sizes changed what the splitter returned
    if (whole.error.has_value() != pieces.error.has_value())
        std::abort();
    if (whole.error &&
        (whole.error->code != pieces.error->code || whole.error->message != pieces.error->message))
        std::abort();
    if (whole.pieces.size() > document.size())
        std::abort();  // more pieces than bytes: the splitter did not advance
    // A KeyPackage piece is the input's own bytes at its offset (the header is synthetic).
    for (const Piece& p : whole.pieces) {
        if (p.kind == PskcChunker::Kind::package &&
            document.substr(static_cast<std::size_t>(p.offset), p.text.size()) != p.text)
            std::abort();
    }
}

void import(const FuzzInput& in) {
    hwtotp::store::PskcKeys keys;
    if (const auto key = hwtotp::fuzz::from_hex(in.key_hex))
        keys.key = hwtotp::Secret(std::span<const std::uint8_t>(*key));
    if (!in.password.empty()) {
        keys.password = hwtotp::Secret(std::span<const std::uint8_t>(
            reinterpret_cast<const std::uint8_t*>(in.password.data()), in.password.size()));
    }
    hwtotp::store::ImportCallbacks callbacks;
    callbacks.sink = [](hwtotp::store::NewToken&& token, std::string_view) -> hwtotp::Result<void> {
        if (token.description.serial.empty() || token.seed.empty())
            std::abort();
        return {};
    };
    (void)hwtotp::store::read_pskc(in.document, "fuzz", keys, callbacks);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const FuzzInput in =
        hwtotp::fuzz::split_input(std::string_view(reinterpret_cast<const char*>(data), size));
    check_splits_agree(in.document, in.reads);
    import(in);
    return 0;
}
