#include "pskc_secret_file.h"

#include <functional>
#include <istream>

#include "hwtotp/store/import.h"

namespace hwtotp::cli {
namespace {

// What a password or key file holds, from its bytes; and the same read from a file.
using SecretFromBytes = Result<Secret> (*)(const Secret&);
using SecretFromFile = Result<Secret> (*)(const std::string&,
                                          const std::function<void(const std::string&)>&);

// Stdin's bytes straight into a Secret, at most store::max_pskc_secret_file_bytes.
Result<Secret> read_stdin_secret(Context& ctx) {
    Secret buffer = Secret::zeroed(store::max_pskc_secret_file_bytes + 1);
    auto bytes = buffer.mutable_bytes();
    ctx.in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    const auto got = static_cast<std::size_t>(ctx.in.gcount());
    if (got > store::max_pskc_secret_file_bytes) {
        return fail(
            ErrorCode::invalid_input,
            "-: larger than " + std::to_string(store::max_pskc_secret_file_bytes) + " bytes");
    }
    buffer.truncate(got);
    return buffer;
}

// OPTION PATH ("-": stdin), decoded; errors begin with the option.
Result<Secret> read_pskc_secret(const std::string& option, const std::string& path,
                                SecretFromBytes from_bytes, SecretFromFile from_file,
                                Context& ctx) {
    Result<Secret> secret = Secret();
    if (path == "-") {
        secret = read_stdin_secret(ctx).and_then([&](const Secret& bytes) -> Result<Secret> {
            auto decoded = from_bytes(bytes);
            if (!decoded)
                return tl::unexpected(with_context("-: ", decoded.error()));
            return decoded;
        });
    } else {
        secret = from_file(path, [&](const std::string& w) { warn(ctx, option + " " + w); });
    }
    if (!secret)
        return tl::unexpected(with_context(option + " ", secret.error()));
    return secret;
}

}  // namespace

Result<Secret> read_pskc_key_file(const std::string& option, const std::string& path,
                                  Context& ctx) {
    return read_pskc_secret(option, path, store::key_from_file_bytes, store::read_key_file, ctx);
}

Result<Secret> read_pskc_password_file(const std::string& option, const std::string& path,
                                       Context& ctx) {
    return read_pskc_secret(option, path, store::password_from_file_bytes,
                            store::read_password_file, ctx);
}

}  // namespace hwtotp::cli
