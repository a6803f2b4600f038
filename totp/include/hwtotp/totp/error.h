#pragma once
// Errors and results shared by every hwtotp library.
//
// A recoverable failure is a value: Result<T> holds either T or an Error. An Error carries a
// category (which the CLI maps to its documented exit code) and a message written for the user.
// Messages never contain secret material: name the input ("--secret", "line 4"), never its value.

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace hwtotp {

enum class ErrorCode {
    invalid_input,  // a value the user gave is malformed or out of range (exit 2)
    not_found,      // a file, token or device that was named does not exist (exit 2)
    io,             // reading or writing a file failed (exit 2)
    crypto,         // OpenSSL refused an operation, or a MAC did not verify (exit 2)
    device,         // a HID device failed, timed out or refused (exit 3)
    registry,       // the token registry could not be opened, read or written (exit 4)
    locked,         // a token is locked out after too many failures (exit 5)
    replay,         // a code for an already-used step was refused (exit 5)
    internal,       // a bug: an invariant did not hold (exit 2, with a request to report it)
};

struct Error {
    ErrorCode code;
    std::string message;
};

template <typename T>
using Result = tl::expected<T, Error>;

// Shorthand for `return fail(ErrorCode::invalid_input, "...")` in functions returning Result<T>.
[[nodiscard]] inline tl::unexpected<Error> fail(ErrorCode code, std::string message) {
    return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace hwtotp
