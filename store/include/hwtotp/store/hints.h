#pragma once
// The advice that ends some store refusals, in the store's own terms.
//
// The store serves front ends with different words for the same remedy (the CLI's options and
// commands, a PAM module's configuration), so it names none of them. A front end that has its
// own words finds one of these phrases in a message and puts them in its place; any other caller
// shows the message as it is, and it still reads as plain advice.

#include <string_view>

namespace hwtotp::store::hint {

// A serial that is not in the registry: the registry's list shows the serials it holds.
inline constexpr std::string_view list_tokens = "list the registry's tokens";
// An import met a serial it already holds: replacing has to be asked for.
inline constexpr std::string_view allow_replace = "allow replacing";
// A PSKC file is encrypted with a password, or with a pre-shared key, the caller did not give.
inline constexpr std::string_view give_pskc_password = "give the file's password";
inline constexpr std::string_view give_pskc_key = "give the file's pre-shared key";
// A key or password was given for a file that is not PSKC (the only encrypted format).
inline constexpr std::string_view pskc_secret_given = "a PSKC key or password was given";
// Neither the caller, HWTOTP_DB nor HOME says where the registry is.
inline constexpr std::string_view name_registry = "name the registry";
// The registry path names a file that is not an SQLite database.
inline constexpr std::string_view check_registry_path = "is the registry path the right file?";

}  // namespace hwtotp::store::hint
