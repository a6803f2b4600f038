// Names and checks shared by the registry and the importers.

#include "hwtotp/store/token.h"

#include "hwtotp/totp/limits.h"

namespace hwtotp::store {

std::string_view observed_by_name(ObservedBy how) {
    switch (how) {
        case ObservedBy::verify:
            return "verify";
        case ObservedBy::resync:
            return "resync";
        case ObservedBy::enroll:
            return "enroll";
        case ObservedBy::import:
            return "import";
        case ObservedBy::login:
            return "login";
    }
    return "verify";
}

Result<ObservedBy> parse_observed_by(std::string_view text) {
    for (auto how : {ObservedBy::verify, ObservedBy::resync, ObservedBy::enroll, ObservedBy::import,
                     ObservedBy::login}) {
        if (observed_by_name(how) == text)
            return how;
    }
    return fail(ErrorCode::registry, "unknown history source '" + std::string(text) + "'");
}

std::string_view otp_type_name(OtpType type) {
    return type == OtpType::hotp ? "hotp" : "totp";
}

Result<void> check_serial(std::string_view serial) {
    if (serial.empty())
        return fail(ErrorCode::invalid_input, "the serial is empty");
    if (serial.size() > 256)
        return fail(ErrorCode::invalid_input, "the serial is longer than 256 characters");
    for (std::size_t i = 0; i < serial.size(); ++i) {
        const auto c = static_cast<unsigned char>(serial[i]);
        if (c <= 0x20 || c >= 0x7f) {
            return fail(ErrorCode::invalid_input,
                        "the serial has a space or non-printable character at position " +
                            std::to_string(i + 1));
        }
    }
    return {};
}

Result<void> check_new_token(const NewToken& token) {
    const TokenDescription& d = token.description;
    HWTOTP_TRY(check_serial(d.serial));
    HWTOTP_TRY(limits::check_text("the label", d.label));
    HWTOTP_TRY(limits::check_text("the issuer", d.issuer));
    HWTOTP_TRY(limits::check_text("the manufacturer", d.manufacturer));
    if (!d.owner.empty())
        HWTOTP_TRY(check_owner(d.owner));
    if (token.seed.empty())
        return fail(ErrorCode::invalid_input, "the secret is empty");
    HWTOTP_TRY(limits::check_seed_size(token.seed.size()));
    return limits::check_counter(d.counter);
}

Result<void> check_owner(std::string_view owner) {
    if (owner.empty() || owner.size() > 256) {
        return fail(ErrorCode::invalid_input,
                    "an owner has " + std::to_string(owner.size()) +
                        " bytes (accepted: 1 to 256, a login name or a UPN)");
    }
    for (std::size_t i = 0; i < owner.size(); ++i) {
        const auto c = static_cast<unsigned char>(owner[i]);
        if (c < 0x20 || c == 0x7f) {
            return fail(ErrorCode::invalid_input, "an owner has a control character at position " +
                                                      std::to_string(i + 1) +
                                                      " (accepted: printable text)");
        }
    }
    return {};
}

}  // namespace hwtotp::store
