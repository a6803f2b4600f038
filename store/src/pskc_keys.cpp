// The files that hold a PSKC file's password or pre-shared key.

#include "file_util.h"
#include "hwtotp/store/import.h"
#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/terminal_text.h"

namespace hwtotp::store {
namespace {

// The bytes less one trailing "\n" or "\r\n" (what `echo` and editors add).
std::span<const std::uint8_t> without_final_newline(const Secret& bytes) {
    auto view = bytes.expose();
    std::size_t size = view.size();
    if (size > 0 && view[size - 1] == '\n')
        --size;
    if (size > 0 && view[size - 1] == '\r')
        --size;
    return view.first(size);
}

Result<Secret> read_secret(const std::string& path,
                           const std::function<void(const std::string&)>& warn) {
    HWTOTP_ASSIGN_OR_RETURN(Secret bytes,
                            files::read_secret_file(path, max_pskc_secret_file_bytes));
    if (warn && files::readable_by_others(path))
        warn(path + " is readable by other users (fix with: chmod 600 " + shell_quote(path) + ")");
    return bytes;
}

}  // namespace

Result<Secret> password_from_file_bytes(const Secret& bytes) {
    const auto password = without_final_newline(bytes);
    if (password.empty())
        return fail(ErrorCode::invalid_input, "the password is empty");
    return Secret(password);
}

Result<Secret> key_from_file_bytes(const Secret& bytes) {
    const auto text = without_final_newline(bytes);
    return hex_decode_secret(
        std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
}

Result<Secret> read_password_file(const std::string& path,
                                  const std::function<void(const std::string&)>& warn) {
    HWTOTP_ASSIGN_OR_RETURN(Secret bytes, read_secret(path, warn));
    auto password = password_from_file_bytes(bytes);
    if (!password)
        return tl::unexpected(with_context(path + ": ", password.error()));
    return password;
}

Result<Secret> read_key_file(const std::string& path,
                             const std::function<void(const std::string&)>& warn) {
    HWTOTP_ASSIGN_OR_RETURN(Secret bytes, read_secret(path, warn));
    auto key = key_from_file_bytes(bytes);
    if (!key)
        return tl::unexpected(with_context(path + ": ", key.error()));
    return key;
}

}  // namespace hwtotp::store
