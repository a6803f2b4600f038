#pragma once
// Why a key could not be opened, as a value a caller can act on.
//
// The message states what happened in the library's terms (a path, a syscall's reason). What
// the caller should do next depends on the caller — a command line names its own options, a
// test harness starts a simulator — so the advice is theirs to add, chosen by `problem`.

#include <tl/expected.hpp>

#include "hwtotp/totp/error.h"

namespace hwtotp::device::hid {

enum class OpenProblem {
    no_key,             // no YubiKey OTP interface found (the message says why)
    several_keys,       // more than one key is plugged in and none was named
    no_such_device,     // a named hidraw path does not exist (unplugged?)
    nothing_listening,  // unix:PATH: no socket there, or no process serving it
    other,              // permission denied, a simulator that never accepts, a failing hidapi…
};

struct OpenError {
    OpenProblem problem = OpenProblem::other;
    Error error;
};

template <typename T>
using OpenResult = tl::expected<T, OpenError>;

[[nodiscard]] inline tl::unexpected<OpenError> fail_open(OpenProblem problem, ErrorCode code,
                                                         std::string message) {
    return tl::unexpected<OpenError>(OpenError{problem, Error{code, std::move(message)}});
}

}  // namespace hwtotp::device::hid
