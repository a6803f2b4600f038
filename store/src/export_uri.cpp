// otpauth:// URIs, one a line (uri_import.cpp reads them back): the label is "issuer:label"
// (the serial when the token has no label), and a serial= parameter carries the serial, which
// the importer prefers to the label. A URI has no T0: a token with one is refused by name.

#include "export_writer.h"
#include "hwtotp/totp/otpauth.h"

namespace hwtotp::store {

std::string token_uri(const Token& token) {
    const auto& d = token.info.description;
    KeyUri key;
    key.type = d.type;
    key.issuer = d.issuer;
    key.account = d.label.empty() ? d.serial : d.label;
    key.secret = token.seed.clone();
    key.params = d.params;
    key.counter = d.type == OtpType::hotp ? d.counter : 0;
    key.extra.emplace("serial", d.serial);
    return format_otpauth_uri(key);
}

std::string uri_refusal(const TokenInfo& token) {
    const auto& d = token.description;
    if (d.params.t0() != 0)
        return "T0 " + std::to_string(d.params.t0()) + ": an otpauth URI counts from T0 = 0";
    return {};
}

namespace {

class UriWriter final : public ExportWriter {
  public:
    [[nodiscard]] std::string refusal(const TokenInfo& token) const override {
        return uri_refusal(token);
    }

    Result<void> begin(const ExportOverview& /*overview*/, ExportFile& /*out*/) override {
        return {};
    }

    Result<void> write(const Token& token, ExportFile& out) override {
        SeedText uri(token_uri(token));
        return out.write(SeedLine("", uri.text(), "\n").text());
    }
};

}  // namespace

std::unique_ptr<ExportWriter> make_uri_writer() {
    return std::make_unique<UriWriter>();
}

}  // namespace hwtotp::store
