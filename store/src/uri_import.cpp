// Files of otpauth:// URIs, one a line.

#include "hwtotp/store/import.h"
#include "hwtotp/totp/otpauth.h"
#include "text_util.h"

namespace hwtotp::store {
Result<std::size_t> read_uri_list(std::string_view text_in, std::string_view source,
                                  const ImportCallbacks& callbacks) {
    std::size_t records = 0;
    auto ok = text::for_each_content_line(text_in, [&](const text::Line& line) -> Result<void> {
        const std::string what = "line " + std::to_string(line.number);
        auto uri = parse_otpauth_uri(line.text);
        if (!uri)
            return fail(uri.error().code, what + ": " + uri.error().message);
        NewToken token;
        TokenDescription& d = token.description;
        // A serial= parameter (some vendors add one), else the account name.
        if (auto it = uri->extra.find("serial"); it != uri->extra.end())
            d.serial = it->second;
        if (d.serial.empty())
            d.serial = uri->account;
        if (d.serial.empty()) {
            return fail(ErrorCode::invalid_input,
                        what +
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
        if (auto sunk = callbacks.sink(std::move(token), what); !sunk)
            return sunk;
        ++records;
        if (callbacks.progress && records % 256 == 0)
            callbacks.progress(line.end, text_in.size());
        return {};
    });
    if (!ok)
        return tl::unexpected(ok.error());
    if (records == 0)
        return fail(ErrorCode::invalid_input, std::string(source) + ": no tokens in the file");
    return records;
}

}  // namespace hwtotp::store
