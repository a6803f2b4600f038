#pragma once
// Text from files (a PSKC issuer, a CSV serial, a user name in an AWS credential report) made
// safe to print on a terminal and to paste into a shell. Every place that prints such text uses
// these two functions; --json output needs neither (JSON escapes control characters itself).
//
// A hostile file can otherwise move the cursor, rewrite what the user already read ("\r"),
// set the window title (OSC "\x1b]0;...\x07"), ring the bell, or reverse the text direction
// (U+202E), and a user name such as "x; rm -rf ~" turns a suggested command into two.

#include <string>
#include <string_view>

namespace hwtotp {

// `text` with every byte that is not printable written as "\xHH" (lower-case hex): C0 controls
// (NUL, BEL, BS, TAB, LF, CR, ESC...), DEL, the C1 controls U+0080..U+009F (some terminals take
// U+009B as CSI), the bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E,
// U+2066..U+2069), the line and paragraph separators U+2028 and U+2029, and bytes that are not
// valid UTF-8. Printable ASCII and valid UTF-8 text (accents, CJK, emoji) are kept as they are.
// A backslash is kept too: the output is for reading, not for decoding.
[[nodiscard]] std::string escape_for_terminal(std::string_view text);

// One shell word that a POSIX shell (and bash, zsh, ksh) reads back as exactly `text`:
// unchanged when it is made only of A-Z a-z 0-9 and _ @ % + = : , . / -; else in single quotes
// ('it'\''s'); and when it holds a byte escape_for_terminal would escape, as ANSI-C quoting
// ($'a\x1bb'), so the printed line stays safe on a terminal as well. An empty text is ''.
[[nodiscard]] std::string shell_quote(std::string_view text);

}  // namespace hwtotp
