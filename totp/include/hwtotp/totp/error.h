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

// Adds context once per layer: "registry /x: " + the inner message, same category.
[[nodiscard]] inline Error with_context(std::string context, Error inner) {
    return Error{inner.code, std::move(context) + inner.message};
}

}  // namespace hwtotp

// The one idiom for passing a failure up (Tink's ASSIGN_OR_RETURN, Abseil's RETURN_IF_ERROR):
//
//   HWTOTP_TRY(stmt->run());                           // Result<void> or a value not needed
//   HWTOTP_ASSIGN_OR_RETURN(auto row, stmt->step());   // declares `row` from the value
//
// Both return the inner Error unchanged from a function returning any Result<T>. They are
// macros because only a macro can return from its caller. HWTOTP_ASSIGN_OR_RETURN declares a
// variable in the enclosing scope, so it stands on its own line, never under an unbraced if.
#define HWTOTP_CONCAT_INNER_(a, b) a##b
#define HWTOTP_CONCAT_(a, b) HWTOTP_CONCAT_INNER_(a, b)
#define HWTOTP_TRY(expr)                                                                     \
    do {                                                                                     \
        if (auto&& hwtotp_try_result_ = (expr); !hwtotp_try_result_)                         \
            return ::tl::unexpected<::hwtotp::Error>(std::move(hwtotp_try_result_).error()); \
    } while (false)
#define HWTOTP_ASSIGN_OR_RETURN_IMPL_(tmp, decl, expr)                    \
    auto tmp = (expr);                                                    \
    if (!tmp)                                                             \
        return ::tl::unexpected<::hwtotp::Error>(std::move(tmp).error()); \
    decl = std::move(*tmp)
#define HWTOTP_ASSIGN_OR_RETURN(decl, expr) \
    HWTOTP_ASSIGN_OR_RETURN_IMPL_(HWTOTP_CONCAT_(hwtotp_result_, __LINE__), decl, expr)
