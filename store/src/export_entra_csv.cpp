// Microsoft Entra ID hardware OATH token CSV (the file the Entra admin center uploads; see
// entra_csv.cpp for the reader):
//     upn,serial number,secret key,time interval,manufacturer,model
// One token a line: the owner as UPN, the seed in base32, the period, the manufacturer and the
// label as model. Entra takes TOTP tokens with HMAC-SHA1 and six digits counted from the Unix
// epoch; any other token is refused by name. Fields are quoted (RFC 4180) where they need it.

#include "export_writer.h"
#include "hwtotp/totp/codec.h"

namespace hwtotp::store {
namespace {

class EntraCsvWriter final : public ExportWriter {
  public:
    [[nodiscard]] std::string refusal(const TokenInfo& token) const override {
        const auto& d = token.description;
        if (d.type != OtpType::totp)
            return "an HOTP token: Entra takes TOTP tokens only";
        if (d.params.hash() != Hash::sha1)
            return hmac_label(d.params.hash()) + ": Entra takes HMAC-SHA1 tokens only";
        if (d.params.digits() != 6)
            return std::to_string(d.params.digits()) + " digits: Entra takes 6-digit tokens only";
        if (d.params.t0() != 0)
            return "T0 " + std::to_string(d.params.t0()) + ": Entra counts from T0 = 0";
        for (const auto& [field, value] :
             {std::pair<std::string_view, std::string_view>{"owner", d.owner},
              {"label", d.label},
              {"manufacturer", d.manufacturer}}) {
            if (auto problem = free_text_problem(field, value); !problem.empty())
                return problem;
        }
        return {};
    }

    Result<void> begin(const ExportOverview& /*overview*/, ExportFile& out) override {
        return out.write("upn,serial number,secret key,time interval,manufacturer,model\n");
    }

    Result<void> write(const Token& token, ExportFile& out) override {
        const auto& d = token.info.description;
        const std::string before = csv_field(d.owner) + "," + csv_field(d.serial) + ",";
        const std::string after = "," + std::to_string(d.params.period()) + "," +
                                  csv_field(d.manufacturer) + "," + csv_field(d.label) + "\n";
        SeedText secret(base32_encode(token.seed.expose()));
        return out.write(SeedLine(before, secret.text(), after).text());
    }
};

}  // namespace

std::unique_ptr<ExportWriter> make_entra_csv_writer() {
    return std::make_unique<EntraCsvWriter>();
}

}  // namespace hwtotp::store
