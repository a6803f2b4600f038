#include "audit_base64.h"

#include <climits>
#include <memory>
#include <vector>

#include <openssl/evp.h>

namespace hwtotp::aws::detail {
namespace {

struct EncodeCtxFree {
    void operator()(EVP_ENCODE_CTX* ctx) const { EVP_ENCODE_CTX_free(ctx); }
};
using EncodeCtx = std::unique_ptr<EVP_ENCODE_CTX, EncodeCtxFree>;

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
    // EVP_DecodeUpdate takes an int length; a report is far smaller, so refuse the absurd.
    if (text.size() > static_cast<std::size_t>(INT_MAX / 2))
        return std::nullopt;
    // A group cut short (e.g. a truncated copy) is an error, not a silently shorter output.
    std::size_t significant = 0;
    for (const char c : text) {
        if (c != '\n' && c != '\r' && c != ' ' && c != '\t')
            ++significant;
    }
    if (significant % 4 != 0)
        return std::nullopt;

    EncodeCtx ctx(EVP_ENCODE_CTX_new());
    if (!ctx)
        return std::nullopt;
    EVP_DecodeInit(ctx.get());
    std::vector<unsigned char> out(text.size() / 4 * 3 + 80);
    int written = 0;
    const int update = EVP_DecodeUpdate(ctx.get(), out.data(), &written,
                                        reinterpret_cast<const unsigned char*>(text.data()),
                                        static_cast<int>(text.size()));
    if (update < 0 || written < 0)
        return std::nullopt;
    int final_written = 0;
    if (EVP_DecodeFinal(ctx.get(), out.data() + written, &final_written) < 0)
        return std::nullopt;
    const auto total = static_cast<std::size_t>(written) + static_cast<std::size_t>(final_written);
    return std::string(reinterpret_cast<const char*>(out.data()), total);
}

}  // namespace hwtotp::aws::detail
