#pragma once
// Base64 decoding through OpenSSL (the one file of hwtotp_aws that includes an OpenSSL header).
// Internal to hwtotp_aws.

#include <optional>
#include <string>
#include <string_view>

namespace hwtotp::aws::detail {

// Standard base64 (RFC 4648 §4), padding optional at the end, line breaks allowed; nullopt when
// the text holds any other character or is cut inside a group.
[[nodiscard]] std::optional<std::string> decode_base64(std::string_view text);

}  // namespace hwtotp::aws::detail
