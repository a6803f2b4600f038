// escape_for_terminal and shell_quote: text from files, printed safely.

#include <gtest/gtest.h>

#include "hwtotp/totp/terminal_text.h"

namespace hwtotp {
namespace {

using namespace std::string_literals;

TEST(EscapeForTerminal, KeepsPrintableAsciiAndUtf8AsTheyAre) {
    EXPECT_EQ(escape_for_terminal("GAKT12345678 ACME, Inc. \\ 100%"),
              "GAKT12345678 ACME, Inc. \\ 100%");
    EXPECT_EQ(escape_for_terminal("Zürich – 東京 🔑"), "Zürich – 東京 🔑");
    EXPECT_EQ(escape_for_terminal(""), "");
}

TEST(EscapeForTerminal, EscapesEveryC0ControlAndDel) {
    EXPECT_EQ(escape_for_terminal("a\x1b[2Jb"), "a\\x1b[2Jb");                 // erase screen
    EXPECT_EQ(escape_for_terminal("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");  // OSC title + BEL
    EXPECT_EQ(escape_for_terminal("ok\rFAKE"), "ok\\x0dFAKE");
    EXPECT_EQ(escape_for_terminal("a\nb\tc\bd\x7f"), "a\\x0ab\\x09c\\x08d\\x7f");
    EXPECT_EQ(escape_for_terminal("nul\0here"s), "nul\\x00here");
}

TEST(EscapeForTerminal, EscapesC1AndBidiControlsByteByByte) {
    EXPECT_EQ(escape_for_terminal("\xc2\x9b"
                                  "2J"),
              "\\xc2\\x9b2J");  // U+009B, CSI
    EXPECT_EQ(escape_for_terminal("abc\xe2\x80\xae"
                                  "fed"),
              "abc\\xe2\\x80\\xaefed");                                   // U+202E
    EXPECT_EQ(escape_for_terminal("\xe2\x81\xa6x"), "\\xe2\\x81\\xa6x");  // U+2066
    EXPECT_EQ(escape_for_terminal("a\xe2\x80\xa8"
                                  "b"),
              "a\\xe2\\x80\\xa8b");                            // U+2028
    EXPECT_EQ(escape_for_terminal("\xd8\x9c"), "\\xd8\\x9c");  // U+061C
}

TEST(EscapeForTerminal, EscapesBytesThatAreNotValidUtf8) {
    EXPECT_EQ(escape_for_terminal("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(escape_for_terminal("\xc3"), "\\xc3");                             // cut short
    EXPECT_EQ(escape_for_terminal("\xc0\xaf"), "\\xc0\\xaf");                    // overlong '/'
    EXPECT_EQ(escape_for_terminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // a surrogate
    EXPECT_EQ(escape_for_terminal("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // > U+10FFFF
    EXPECT_EQ(escape_for_terminal("\x80z"), "\\x80z");  // a lone continuation byte
}

TEST(EscapeForTerminal, OutputHoldsNoControlByteForAnyInputByte) {
    for (int b = 0; b < 256; ++b) {
        const std::string out = escape_for_terminal(std::string(1, static_cast<char>(b)));
        for (const char c : out) {
            const auto u = static_cast<unsigned char>(c);
            EXPECT_TRUE(u >= 0x20 && u < 0x7f) << "input byte " << b;
        }
    }
}

TEST(ShellQuote, LeavesSafeWordsAlone) {
    EXPECT_EQ(shell_quote("alice"), "alice");
    EXPECT_EQ(shell_quote("GAKT12345678"), "GAKT12345678");
    EXPECT_EQ(shell_quote("arn:aws:iam::123456789012:mfa/a.b_c-d+e=f,g@h"),
              "arn:aws:iam::123456789012:mfa/a.b_c-d+e=f,g@h");
}

TEST(ShellQuote, SingleQuotesShellSyntax) {
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("x; rm -rf ~"), "'x; rm -rf ~'");
    EXPECT_EQ(shell_quote("$(id)`id`"), "'$(id)`id`'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote("Zürich"), "'Zürich'");
}

TEST(ShellQuote, ControlCharactersUseAnsiCQuoting) {
    EXPECT_EQ(shell_quote("a\x1b]0;t\x07"), "$'a\\x1b]0;t\\x07'");
    EXPECT_EQ(shell_quote("it's\\\r"), "$'it\\'s\\\\\\x0d'");
    EXPECT_EQ(shell_quote("\0"s), "$'\\x00'");
}

}  // namespace
}  // namespace hwtotp
