#pragma once
// What every reader does with a record hwtotp cannot use, and how every reader ends.

#include <cstddef>
#include <string>
#include <string_view>

#include "hwtotp/store/import.h"

namespace hwtotp::store {

// Skips the record through callbacks.unsupported, or refuses it: an invalid_input error with
// the record's description and skip_unsupported_hint.
[[nodiscard]] Result<void> skip_or_refuse(const ImportCallbacks& callbacks,
                                          const std::string& record);

// The reader's result: the number of tokens, or an error when there is none ("no tokens in the
// file", or that every record was skipped).
[[nodiscard]] Result<std::size_t> tokens_read(std::size_t tokens, std::size_t skipped,
                                              std::string_view source);

}  // namespace hwtotp::store
