// Microsoft Entra ID hardware OATH tokens: the CSV file the Entra admin center uploads
// (Protection > Multifactor authentication > OATH tokens). Microsoft's documentation
// ("Upload hardware OATH tokens in CSV format") fixes the header row
//     upn,serial number,secret key,time interval,manufacturer,model
// and the secret key as base32 (a-z, A-Z, 2-7). The tokens are TOTP with HMAC-SHA-1 and six
// digits; the time interval is the step in seconds (30 or 60 in practice). The UPN names the
// user the token is assigned to: it becomes the token's owner.
//
// Columns are found by their header names, so a file saved with the columns in another order
// still reads right; "serial number" and "secret key" are required.

#include <array>
#include <optional>

#include "csv_fields.h"
#include "hwtotp/store/vendor_import.h"
#include "hwtotp/totp/codec.h"
#include "line_import.h"
#include "text_util.h"
#include "vendor_record.h"

namespace hwtotp::store {
namespace {

constexpr std::string_view entra_header =
    "upn,serial number,secret key,time interval,manufacturer,model";

// Where each known column is in this file.
struct EntraColumns {
    std::optional<std::size_t> upn, serial, secret, interval, manufacturer, model;
};

Result<EntraColumns> read_header(const CsvFields& header) {
    EntraColumns c;
    const std::array<std::pair<std::string_view, std::optional<std::size_t>*>, 6> names{{
        {"upn", &c.upn},
        {"serial number", &c.serial},
        {"secret key", &c.secret},
        {"time interval", &c.interval},
        {"manufacturer", &c.manufacturer},
        {"model", &c.model},
    }};
    for (std::size_t i = 0; i < header.size(); ++i) {
        for (const auto& [name, slot] : names) {
            if (text::iequals(header[i], name))
                *slot = i;
        }
    }
    if (!c.serial || !c.secret) {
        return fail(ErrorCode::invalid_input, "expected the header row '" +
                                                  std::string(entra_header) +
                                                  "' (Microsoft Entra OATH token CSV)");
    }
    return c;
}

Result<NewToken> read_row(const CsvFields& f, const EntraColumns& c, std::string_view source) {
    const auto field = [&](const std::optional<std::size_t>& at) {
        return at ? f[*at] : std::string_view{};
    };
    NewToken token;
    TokenDescription& d = token.description;
    d.source = std::string(source);
    d.serial = std::string(field(c.serial));
    HWTOTP_TRY(check_serial(d.serial));
    d.owner = std::string(field(c.upn));
    d.manufacturer = std::string(field(c.manufacturer));
    d.label = std::string(field(c.model));
    if (field(c.secret).empty())
        return fail(ErrorCode::invalid_input, "the secret key is empty");
    auto seed = base32_decode(field(c.secret));
    if (!seed)
        return fail(ErrorCode::invalid_input, "secret key (base32): " + seed.error().message);
    token.seed = std::move(*seed);
    std::int64_t period = 30;
    if (const auto interval = field(c.interval); !interval.empty()) {
        HWTOTP_ASSIGN_OR_RETURN(period, text::parse_int(interval, "time interval"));
    }
    d.type = OtpType::totp;
    HWTOTP_ASSIGN_OR_RETURN(d.params, Params::create(Hash::sha1, 6, period, 0));
    return token;
}

}  // namespace

Result<std::size_t> read_entra_csv(std::string_view text_in, std::string_view source,
                                   const ImportCallbacks& callbacks) {
    std::optional<EntraColumns> columns;
    return import_lines(
        text_in, source, callbacks, [&](const ContentLine& line) -> Result<LineRecord> {
            auto fields = CsvFields::split(line.text);
            if (!fields)
                return tl::unexpected(in_record(line.what, "", fields.error()));
            if (!columns) {
                auto header = read_header(*fields);
                if (!header)
                    return tl::unexpected(in_record(line.what, "", header.error()));
                columns = *header;
                return LineRecord{};
            }
            auto token = read_row(*fields, *columns, source);
            if (!token) {
                return tl::unexpected(
                    in_record(line.what, (*fields)[*columns->serial], token.error()));
            }
            return LineRecord(std::move(*token));
        });
}

}  // namespace hwtotp::store
