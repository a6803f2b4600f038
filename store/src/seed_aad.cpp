// Associated data of sealed seeds, versions 1 and 2 (see seed_aad.h).

#include "seed_aad.h"

#include <cstring>

namespace hwtotp::store {
namespace {

// One copy of the text, not a push_back per byte: an export builds this once per token.
void append_text(std::vector<std::uint8_t>& out, std::string_view text) {
    const std::size_t at = out.size();
    out.resize(at + text.size());
    std::memcpy(out.data() + at, text.data(), text.size());
}

void append_number(std::vector<std::uint8_t>& out, std::uint64_t value, int bytes) {
    const std::size_t at = out.size();
    out.resize(at + static_cast<std::size_t>(bytes));
    for (int i = 0; i < bytes; ++i)
        out[at + static_cast<std::size_t>(i)] =
            static_cast<std::uint8_t>(value >> (8 * (bytes - 1 - i)));
}

void append_field(std::vector<std::uint8_t>& out, std::string_view text) {
    append_number(out, text.size(), 4);
    append_text(out, text);
}

}  // namespace

std::vector<std::uint8_t> seed_aad_v1(std::string_view serial) {
    std::vector<std::uint8_t> aad;
    append_text(aad, "hwtotp seed v1:");
    append_text(aad, serial);
    return aad;
}

std::vector<std::uint8_t> seed_aad(std::string_view serial, OtpType type, const Params& params) {
    std::vector<std::uint8_t> aad;
    aad.reserve(64 + serial.size());
    append_text(aad, "hwtotp seed v2");
    append_field(aad, serial);
    append_field(aad, otp_type_name(type));
    append_field(aad, hash_name(params.hash()));
    append_number(aad, static_cast<std::uint64_t>(params.digits()), 8);
    append_number(aad, static_cast<std::uint64_t>(params.period()), 8);
    append_number(aad, static_cast<std::uint64_t>(params.t0()), 8);
    return aad;
}

}  // namespace hwtotp::store
