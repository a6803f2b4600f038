#include "hwtotp/totp/params.h"

#include <algorithm>
#include <cctype>

#include "hwtotp/totp/limits.h"

namespace hwtotp {

std::string_view hash_name(Hash hash) {
    switch (hash) {
        case Hash::sha1:
            return "sha1";
        case Hash::sha256:
            return "sha256";
        case Hash::sha512:
            return "sha512";
    }
    return "sha1";
}

std::size_t digest_size(Hash hash) {
    switch (hash) {
        case Hash::sha1:
            return 20;
        case Hash::sha256:
            return 32;
        case Hash::sha512:
            return 64;
    }
    return 20;
}

Result<Hash> parse_hash(std::string_view text) {
    std::string folded;
    for (char c : text) {
        if (c != '-' && c != '_') {
            folded.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
    }
    // PSKC and otpauth spell it "HMAC-SHA1" or "SHA1"; both name the same thing.
    if (folded.starts_with("hmac")) {
        folded.erase(0, 4);
    }
    if (folded == "sha1")
        return Hash::sha1;
    if (folded == "sha256")
        return Hash::sha256;
    if (folded == "sha512")
        return Hash::sha512;
    return fail(ErrorCode::invalid_input, "unknown hash algorithm '" + std::string(text) +
                                              "' (accepted: sha1, sha256, sha512)");
}

Result<Params> Params::create(Hash hash, int digits, std::int64_t period, std::int64_t t0) {
    if (digits < min_digits || digits > max_digits) {
        return fail(ErrorCode::invalid_input,
                    "digits " + std::to_string(digits) + " is out of range (accepted: 6, 7 or 8)");
    }
    if (period < limits::min_period || period > limits::max_period) {
        return fail(ErrorCode::invalid_input,
                    "period " + std::to_string(period) +
                        " s is out of range (accepted: " + std::to_string(limits::min_period) +
                        " to " + std::to_string(limits::max_period) + " s)");
    }
    return Params(hash, digits, period, t0);
}

}  // namespace hwtotp
