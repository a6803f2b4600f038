#pragma once
// A QR code as a PNG image: the only file that includes libqrencode's and libpng's headers.

#include <cstdint>
#include <string_view>
#include <vector>

#include "hwtotp/totp/error.h"

namespace hwtotp::store {

// The PNG of a QR code holding `text` (error correction M, 4 pixels a module, a 4-module quiet
// zone, 8-bit grey). The image encodes whatever `text` holds (an otpauth URI: a seed): the
// caller wipes the bytes when done (wipe_memory). Errors: invalid_input (too long for a QR
// code), internal.
[[nodiscard]] Result<std::vector<std::uint8_t>> qr_png(std::string_view text);

}  // namespace hwtotp::store
