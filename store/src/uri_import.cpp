// Files of otpauth:// URIs, one a line.

#include "hwtotp/store/import.h"
#include "hwtotp/totp/otpauth.h"
#include "line_import.h"

namespace hwtotp::store {
Result<std::size_t> read_uri_list(std::string_view text_in, std::string_view source,
                                  const ImportCallbacks& callbacks) {
    return import_lines(
        text_in, source, callbacks,
        [&](const ContentLine& line) -> Result<std::optional<NewToken>> {
            auto uri = parse_otpauth_uri(line.text);
            if (!uri)
                return fail(uri.error().code, line.what + ": " + uri.error().message);
            NewToken token;
            TokenDescription& d = token.description;
            // A serial= parameter (some vendors add one), else the account name.
            if (auto it = uri->extra.find("serial"); it != uri->extra.end())
                d.serial = it->second;
            if (d.serial.empty())
                d.serial = uri->account;
            if (d.serial.empty()) {
                return fail(ErrorCode::invalid_input,
                            line.what +
                                ": no serial (add serial=... to the URI, or an account name to "
                                "its label)");
            }
            d.label = uri->account;
            d.issuer = uri->issuer;
            d.type = uri->type;
            d.params = uri->params;
            d.counter = uri->counter;
            d.source = std::string(source);
            token.seed = std::move(uri->secret);
            return std::optional<NewToken>(std::move(token));
        });
}

}  // namespace hwtotp::store
