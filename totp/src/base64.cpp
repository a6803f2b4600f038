// Base64 decoding. The text is checked here (alphabet, padding, length); the bytes are decoded
// by OpenSSL's EVP_DecodeBlock, which alone is too lenient to be the check: it accepts '='
// inside the text ("YQ=a", "=QQQ") and three pad characters ("Y===").

#include <openssl/evp.h>

#include <array>
#include <climits>
#include <cstdint>
#include <string>

#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/limits.h"

namespace hwtotp {
namespace {

// What each byte is to a base64 text; one lookup per character (PSKC files hold two base64
// values per key).
enum Class : std::uint8_t { foreign, symbol, pad, space };

constexpr std::array<Class, 256> classes = [] {
    std::array<Class, 256> table{};  // foreign
    for (char c = 'A'; c <= 'Z'; ++c)
        table[static_cast<unsigned char>(c)] = symbol;
    for (char c = 'a'; c <= 'z'; ++c)
        table[static_cast<unsigned char>(c)] = symbol;
    for (char c = '0'; c <= '9'; ++c)
        table[static_cast<unsigned char>(c)] = symbol;
    table['+'] = symbol;
    table['/'] = symbol;
    table['='] = pad;
    for (char c : {' ', '\t', '\n', '\r', '\f', '\v'})
        table[static_cast<unsigned char>(c)] = space;
    return table;
}();

Class class_of(char c) {
    return classes[static_cast<unsigned char>(c)];
}

Error bad(const std::string& what) {
    return Error{ErrorCode::invalid_input, "base64 value " + what};
}

// The decoded size of a checked text, and whether it holds whitespace to drop first.
struct Shape {
    std::size_t significant = 0;  // characters other than whitespace
    std::size_t pads = 0;
    bool spaced = false;
};

Result<Shape> check(std::string_view text) {
    Shape shape;
    for (std::size_t i = 0; i < text.size(); ++i) {
        switch (class_of(text[i])) {
            case space:
                shape.spaced = true;
                continue;
            case pad:
                ++shape.pads;
                break;
            case symbol:
                if (shape.pads == 0)
                    break;
                return tl::unexpected(bad("has '=' before position " + std::to_string(i + 1) +
                                          " ('=' pads only the end of the value)"));
            case foreign:
                // The position, never the character: the text may be a seed.
                return tl::unexpected(bad("has a character outside A-Z a-z 0-9 + / = at position " +
                                          std::to_string(i + 1)));
        }
        ++shape.significant;
    }
    if (shape.significant % 4 != 0)
        return tl::unexpected(bad("has a length that is not a multiple of 4"));
    if (shape.pads > 2)
        return tl::unexpected(bad("ends in more than two '='"));
    if (shape.significant > static_cast<std::size_t>(INT_MAX))
        return tl::unexpected(bad("is too large"));
    return shape;
}

// Decodes a checked text into `out` (room for significant / 4 * 3 bytes); the decoded length.
Result<std::size_t> decode_checked(std::string_view text, const Shape& shape, std::uint8_t* out) {
    std::string compact;  // only when the value is wrapped; wiped below
    const char* source = text.data();
    if (shape.spaced) {
        compact.reserve(shape.significant);
        for (char c : text) {
            if (class_of(c) != space)
                compact.push_back(c);
        }
        source = compact.data();
    }
    const int written = EVP_DecodeBlock(out, reinterpret_cast<const unsigned char*>(source),
                                        static_cast<int>(shape.significant));
    wipe_memory(compact.data(), compact.size());
    if (written < 0 || static_cast<std::size_t>(written) != shape.significant / 4 * 3)
        return tl::unexpected(bad("does not decode"));
    return static_cast<std::size_t>(written) - shape.pads;
}

}  // namespace

Result<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
    HWTOTP_ASSIGN_OR_RETURN(auto shape, check(text));
    std::vector<std::uint8_t> out(shape.significant / 4 * 3);
    if (out.empty())
        return out;
    HWTOTP_ASSIGN_OR_RETURN(auto size, decode_checked(text, shape, out.data()));
    out.resize(size);
    return out;
}

Result<Secret> base64_decode_secret(std::string_view text) {
    HWTOTP_ASSIGN_OR_RETURN(const Shape shape, check(text));
    // Refused before anything is allocated: a file can claim megabytes of "seed".
    if (const std::size_t size = shape.significant / 4 * 3 - shape.pads;
        size > limits::max_seed_bytes)
        HWTOTP_TRY(limits::check_seed_size(size));
    Secret room = Secret::zeroed(shape.significant / 4 * 3);
    if (room.empty())
        return room;
    HWTOTP_ASSIGN_OR_RETURN(auto size, decode_checked(text, shape, room.mutable_bytes().data()));
    room.truncate(size);  // the padding's zero bytes: trimmed in place, no second copy
    return room;
}

}  // namespace hwtotp
