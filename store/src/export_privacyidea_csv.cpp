// privacyIDEA OATH CSV (privacyidea/lib/importotp.py parseOATHcsv; privacyidea_csv.cpp reads it):
//     serial, key, type, otplen, counter|timeStep
// with the key in hex, after a first line "# version: 1"; when any token has an owner, the
// version 2 form: "# version: 2" and "user, resolver, realm" in front of every line (resolver
// and realm left empty for privacyIDEA's defaults).
//
// privacyIDEA has no hash column: it takes the hash from the key's length (64 hex digits
// SHA-256, 128 SHA-512, 56/96 SHA-224/384, else SHA-1), so a token whose key length says
// another hash than its own is refused by name, as is a T0 (privacyIDEA counts from the epoch).
// privacyIDEA splits lines at every comma without quoting, so a serial or owner with a comma is
// refused too.

#include <algorithm>

#include "export_writer.h"
#include "hwtotp/totp/codec.h"

namespace hwtotp::store {
namespace {

// The hash privacyIDEA reads from a key of this many bytes; none for SHA-224/384 lengths.
std::optional<Hash> hash_of_key_length(std::size_t bytes) {
    switch (bytes) {
        case 32:
            return Hash::sha256;
        case 64:
            return Hash::sha512;
        case 28:
        case 48:
            return std::nullopt;
        default:
            return Hash::sha1;
    }
}

// privacyIDEA splits at every comma and unquotes nothing; a line starting with '#' is a comment.
bool plain_field(std::string_view text) {
    return text.find_first_of(",\"\r\n") == std::string_view::npos && !text.starts_with('#');
}

class PrivacyIdeaCsvWriter final : public ExportWriter {
  public:
    [[nodiscard]] std::string refusal(const TokenInfo& token) const override {
        const auto& d = token.description;
        if (d.params.t0() != 0)
            return "T0 " + std::to_string(d.params.t0()) + ": privacyIDEA counts from T0 = 0";
        if (!plain_field(d.serial) || !plain_field(d.owner))
            return "its serial or owner holds a comma or quote or starts with '#', which "
                   "privacyIDEA's CSV cannot carry";
        return {};
    }

    // The header says whether user columns follow: one token with an owner is enough.
    [[nodiscard]] bool needs_overview() const override { return true; }

    Result<void> begin(const ExportOverview& overview, ExportFile& out) override {
        with_users_ = overview.any_owner;
        // privacyIDEA reads and skips a "# version: N" line; version 1 (no user columns) marks
        // the file too, so that hwtotp import recognises it without --format.
        return out.write(with_users_ ? "# version: 2\n" : "# version: 1\n");
    }

    [[nodiscard]] std::string seed_refusal(const TokenInfo& token,
                                           const Secret& seed) const override {
        const Hash hash = token.description.params.hash();
        if (hash_of_key_length(seed.size()) == hash)
            return {};
        return "a " + std::to_string(seed.size()) + "-byte key with " + hmac_label(hash) +
               ": privacyIDEA takes the hash from the key's length and would read another";
    }

    Result<void> write(const Token& token, ExportFile& out) override {
        const auto& d = token.info.description;
        const std::string before =
            (with_users_ ? d.owner + ", , , " : std::string()) + d.serial + ", ";
        const auto last =
            d.type == OtpType::hotp ? static_cast<std::int64_t>(d.counter) : d.params.period();
        const std::string after = ", " + std::string(otp_type_name(d.type)) + ", " +
                                  std::to_string(d.params.digits()) + ", " + std::to_string(last) +
                                  "\n";
        SeedText hex(hex_encode(token.seed.expose()));
        return out.write(SeedLine(before, hex.text(), after).text());
    }

  private:
    bool with_users_ = false;
};

}  // namespace

std::unique_ptr<ExportWriter> make_privacyidea_csv_writer() {
    return std::make_unique<PrivacyIdeaCsvWriter>();
}

}  // namespace hwtotp::store
