// pam_oath usersfile export (the format pam_oath.cpp reads; liboath/usersfile.c):
//     HOTP/T30[/D] USER - HEXKEY            time tokens (30 or 60 s steps)
//     HOTP/E[/D]   USER - HEXKEY COUNTER    event tokens; COUNTER is the next one to accept
// with no PIN ("-"). liboath computes HMAC-SHA1 from the Unix epoch only, so tokens with another
// hash, another period or a T0 are refused by name rather than written to make wrong codes.
//
// The user of a line is the token's owner; an unowned token whose serial is "pam-oath:USER:N"
// (a user's N-th line, as the importer names it) goes back under USER. A user's lines come in
// their order: the owned token first, then the others by N, so that importing the file gives
// every token its serial again.

#include <algorithm>
#include <optional>

#include "export_writer.h"
#include "hwtotp/store/vendor_import.h"
#include "hwtotp/totp/codec.h"

namespace hwtotp::store {
namespace {

// The usersfile user of a token, and its rank among that user's lines.
struct LineOwner {
    std::string user;
    std::size_t rank = 0;  // 0: the owned token
};

std::optional<LineOwner> line_owner(const TokenInfo& token) {
    const auto& d = token.description;
    if (!d.owner.empty())
        return LineOwner{d.owner, 0};
    if (auto parsed = parse_pam_oath_serial(d.serial))
        return LineOwner{parsed->user, parsed->nth};
    return std::nullopt;
}

std::string type_field(const TokenDescription& d) {
    std::string type =
        d.type == OtpType::hotp ? "HOTP/E" : "HOTP/T" + std::to_string(d.params.period());
    if (d.params.digits() != 6)
        type += "/" + std::to_string(d.params.digits());
    return type;
}

class PamOathWriter final : public ExportWriter {
  public:
    [[nodiscard]] std::string refusal(const TokenInfo& token) const override {
        const auto& d = token.description;
        if (d.params.hash() != Hash::sha1) {
            return hmac_label(d.params.hash()) + ": pam_oath computes HMAC-SHA1 only";
        }
        if (d.type == OtpType::totp && d.params.period() != 30 && d.params.period() != 60) {
            return "a " + std::to_string(d.params.period()) +
                   " s period: pam_oath steps 30 or 60 s";
        }
        if (d.type == OtpType::totp && d.params.t0() != 0)
            return "T0 " + std::to_string(d.params.t0()) + ": pam_oath counts from T0 = 0";
        const auto owner = line_owner(token);
        if (!owner)
            return "it has no owner (a usersfile line names its user; assign the token to one)";
        if (owner->user.find_first_of(" \t\r\n\v\f:") != std::string::npos)
            return "its owner has a space or ':', which a usersfile user name cannot hold";
        return {};
    }

    [[nodiscard]] bool reorders() const override { return true; }

    void order(std::vector<TokenInfo>& tokens) const override {
        std::stable_sort(tokens.begin(), tokens.end(), [](const auto& a, const auto& b) {
            const auto x = line_owner(a);
            const auto y = line_owner(b);
            return std::tie(x->user, x->rank) < std::tie(y->user, y->rank);
        });
    }

    Result<void> begin(const ExportOverview& /*overview*/, ExportFile& out) override {
        return out.write("# pam_oath usersfile written by hwtotp export\n");
    }

    Result<void> write(const Token& token, ExportFile& out) override {
        const auto& d = token.info.description;
        const std::string before = type_field(d) + " " + line_owner(token.info)->user + " - ";
        const std::string after =
            (d.type == OtpType::hotp ? " " + std::to_string(d.counter) : std::string()) + "\n";
        SeedText hex(hex_encode(token.seed.expose()));
        return out.write(SeedLine(before, hex.text(), after).text());
    }
};

}  // namespace

std::unique_ptr<ExportWriter> make_pam_oath_writer() {
    return std::make_unique<PamOathWriter>();
}

}  // namespace hwtotp::store
