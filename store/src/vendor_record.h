#pragma once
// Naming a record in the vendor readers' messages: "line 4 (serial X): ...".

#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"

namespace hwtotp::store {

// "line 4 (serial X)", or just "line 4" before the serial is known. The serial is shown as
// far as its first 64 characters (it is not secret; an overlong one is refused anyway).
[[nodiscard]] inline std::string record_name(std::string_view what, std::string_view serial) {
    if (serial.empty())
        return std::string(what);
    return std::string(what) + " (serial " + std::string(serial.substr(0, 64)) + ")";
}

// The error, prefixed with the record's name.
[[nodiscard]] inline Error in_record(std::string_view what, std::string_view serial,
                                     const Error& error) {
    return with_context(record_name(what, serial) + ": ", error);
}

}  // namespace hwtotp::store
