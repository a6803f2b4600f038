// Files of otpauth:// URIs, one a line.

#include "hwtotp/store/import.h"
#include "hwtotp/totp/otpauth.h"
#include "text_util.h"

namespace hwtotp::store {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The `serial` query parameter, percent-decoded; empty when absent.
std::string serial_parameter(std::string_view uri) {
    const auto question = uri.find('?');
    if (question == std::string_view::npos)
        return {};
    std::string_view query = uri.substr(question + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos || !text::iequals(pair.substr(0, eq), "serial"))
            continue;
        const std::string_view value = pair.substr(eq + 1);
        std::string out;
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (value[i] == '%' && i + 2 < value.size() + 0 && hex_value(value[i + 1]) >= 0 &&
                hex_value(value[i + 2]) >= 0) {
                out.push_back(
                    static_cast<char>(hex_value(value[i + 1]) * 16 + hex_value(value[i + 2])));
                i += 2;
            } else {
                out.push_back(value[i] == '+' ? ' ' : value[i]);
            }
        }
        return out;
    }
    return {};
}

}  // namespace

Result<std::size_t> read_uri_list(std::string_view text_in, std::string_view source,
                                  const ImportCallbacks& callbacks) {
    std::size_t line_no = 0;
    std::size_t records = 0;
    std::size_t pos = 0;
    while (pos <= text_in.size()) {
        const auto nl = text_in.find('\n', pos);
        const std::string_view raw =
            text_in.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text_in.size() + 1 : nl + 1;
        ++line_no;
        const std::string_view line = text::trim(raw);
        if (line.empty() || line.front() == '#')
            continue;
        const std::string what = "line " + std::to_string(line_no);
        auto uri = parse_otpauth_uri(line);
        if (!uri)
            return fail(uri.error().code, what + ": " + uri.error().message);
        NewToken token;
        TokenDescription& d = token.description;
        d.serial = serial_parameter(line);
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
        if (auto ok = callbacks.sink(std::move(token), what); !ok)
            return tl::unexpected(ok.error());
        ++records;
        if (callbacks.progress && records % 256 == 0)
            callbacks.progress(pos > text_in.size() ? text_in.size() : pos, text_in.size());
    }
    if (records == 0)
        return fail(ErrorCode::invalid_input, std::string(source) + ": no tokens in the file");
    return records;
}

}  // namespace hwtotp::store
