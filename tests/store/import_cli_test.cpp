// import through the real binary: no lock while reading, --key-file, the limits, and text from
// hostile files printed safely by import, tokens list/show and the errors.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "run_cli.h"

namespace hwtotp::test {
namespace import_cli_test {

const std::string pskc_dir = std::string(HWTOTP_VECTORS_DIR) + "/pskc/";
constexpr const char* aes128_key = "12345678901234567890123456789012";
constexpr const char* t = "1700000000";

// A plain PSKC file of one TOTP key per serial, with this issuer and manufacturer (XML text,
// entities allowed) and a 20-byte seed.
std::string plain_pskc(const std::vector<std::string>& serials, const std::string& issuer = "ACME",
                       const std::string& manufacturer = "oath.HW",
                       const std::string& secret_b64 = "AQIDBAUGBwgJCgsMDQ4PEBESExQ=",
                       const std::string& data_extra = "") {
    std::string xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<KeyContainer xmlns=\"urn:ietf:params:xml:ns:keyprov:pskc\" Version=\"1.0\">\n";
    for (const auto& serial : serials) {
        xml += " <KeyPackage><DeviceInfo><Manufacturer>" + manufacturer +
               "</Manufacturer><SerialNo>" + serial +
               "</SerialNo></DeviceInfo>"
               "<Key Algorithm=\"urn:ietf:params:xml:ns:keyprov:pskc:totp\"><Issuer>" +
               issuer + "</Issuer><Data><Secret><PlainValue>" + secret_b64 +
               "</PlainValue></Secret>" + data_extra + "</Data></Key></KeyPackage>\n";
    }
    return xml + "</KeyContainer>\n";
}

// True when `text` holds a byte that a terminal acts on (C0 controls but newline, DEL).
bool has_raw_control(const std::string& text) {
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n') || u == 0x7f)
            return true;
    }
    return false;
}

class ImportCli : public ::testing::Test {
  protected:
    CliResult hw(std::vector<std::string> args, const std::string& stdin_text = "") {
        CliOptions options;
        options.env = {{"HWTOTP_DB", dir.file("reg/tokens.db")}, {"HWTOTP_KEY_FILE", ""}};
        options.stdin_text = stdin_text;
        return run_cli(args, options);
    }
    std::string write(const std::string& name, const std::string& content, mode_t mode = 0600) {
        const std::string path = dir.file(name);
        std::ofstream(path, std::ios::binary) << content;
        ::chmod(path.c_str(), mode);
        return path;
    }
    std::string code_at(const std::string& time, const std::string& serial) {
        auto r = hw({"code", "--token", serial, "--time", time});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out.substr(0, r.out.find('\n'));
    }

    TempDir dir;
};

// --- the write lock -------------------------------------------------------------------------

TEST_F(ImportCli, VerifyOfAnotherTokenSucceedsWhileAnImportIsStillReading) {
    ASSERT_EQ(hw({"import", pskc_dir + "pp-plain.pskcxml"}).exit_code, 0);
    const std::string good = code_at(t, "GAKT00000001");
    // The import reads a FIFO that this test fills: it stays in its reading phase (where key
    // derivation and decryption happen) until the test closes the FIFO, with no clock involved.
    const std::string fifo = dir.file("incoming.pskcxml");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    CliResult imported;
    std::thread importer([&] { imported = hw({"import", fifo, "--format", "pskc"}); });
    // Returns once the import has opened the FIFO for reading.
    int fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
    // However this test ends, the import sees the end of its input and is waited for.
    struct Finish {
        int& fd;
        std::thread& importer;
        ~Finish() {
            if (fd >= 0)
                ::close(fd);
            if (importer.joinable())
                importer.join();
        }
    } finish{fd, importer};
    ASSERT_GE(fd, 0);
    const std::string xml = plain_pskc({"NEW00000001", "NEW00000002"});
    const std::size_t half = xml.find("</KeyPackage>") + 13;
    ASSERT_EQ(::write(fd, xml.data(), half), static_cast<ssize_t>(half));

    // Before: the import held BEGIN IMMEDIATE while reading, and this verify gave up after its
    // 5 s busy timeout with exit 4.
    const auto verify = hw({"verify", "--token", "GAKT00000001", good, "--time", t});

    ASSERT_EQ(::write(fd, xml.data() + half, xml.size() - half),
              static_cast<ssize_t>(xml.size() - half));
    ::close(std::exchange(fd, -1));
    importer.join();
    EXPECT_EQ(verify.exit_code, 0) << verify.err;
    EXPECT_EQ(imported.exit_code, 0) << imported.err;
    EXPECT_EQ(hw({"tokens", "show", "NEW00000002"}).exit_code, 0);
}

TEST_F(ImportCli, Pbkdf2IterationCountAboveTheCapIsRefusedBeforeDeriving) {
    std::ifstream in(pskc_dir + "figure7.pskcxml");
    std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = xml.find("<IterationCount>1000</IterationCount>");
    ASSERT_NE(at, std::string::npos);
    xml.replace(at, 37, "<IterationCount>10000001</IterationCount>");
    const auto file = write("slow.pskcxml", xml);
    const auto pw = write("pw", "qwerty\n");
    const auto r = hw({"import", file, "--password-file", pw});
    EXPECT_EQ(r.exit_code, 2);
    // Before: ten seconds of key derivation, then "wrong key or password".
    EXPECT_NE(r.err.find("PBKDF2 IterationCount 10000001 is out of range (accepted: 1 to "
                         "10000000)"),
              std::string::npos)
        << r.err;
}

// --- --key-file ---------------------------------------------------------------------------------

TEST_F(ImportCli, KeyFileFromAPathOrStdinImportsWithoutTheKeyOnArgv) {
    const auto key = write("transport.key", std::string(aes128_key) + "\n");
    auto from_file = hw({"import", pskc_dir + "pp-aes128-hmac-sha1.pskcxml", "--key-file", key});
    ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
    EXPECT_EQ(from_file.err, "");
    auto from_stdin =
        hw({"import", pskc_dir + "pp-aes128-hmac-sha1.pskcxml", "--key-file", "-", "--replace"},
           std::string(aes128_key) + "\n");
    ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
    EXPECT_EQ(from_stdin.err, "");
    EXPECT_EQ(code_at("59", "HOTP00000003").size(), 6U);
}

TEST_F(ImportCli, PasswordFileFromStdin) {
    auto r = hw({"import", pskc_dir + "figure7.pskcxml", "--password-file", "-"}, "qwerty\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(hw({"code", "--token", "987654321"}).out, "84755224\n");
    r = hw({"import", pskc_dir + "figure7.pskcxml", "--password-file", "-"}, "\n");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "hwtotp: error: --password-file -: the password is empty\n");
}

TEST_F(ImportCli, KeyOnArgvWarnsAsSeedsOnArgvDo) {
    auto r = hw({"import", pskc_dir + "pp-aes128-hmac-sha1.pskcxml", "--key", aes128_key});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err,
              "hwtotp: warning: a key on the command line is visible to other users (ps, shell "
              "history); prefer --key-file - and pipe it\n");
}

TEST_F(ImportCli, KeyFileReadableByOthersWarnsAndStillImports) {
    const auto key = write("transport.key", std::string(aes128_key) + "\n", 0644);
    auto r = hw({"import", pskc_dir + "pp-aes128-hmac-sha1.pskcxml", "--key-file", key});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "hwtotp: warning: --key-file " + key +
                         " is readable by other users (fix with: chmod 600 " + key + ")\n");
}

TEST_F(ImportCli, BadKeyFilesSayWhatIsWrongWithoutTheKey) {
    const auto file = pskc_dir + "pp-aes128-hmac-sha1.pskcxml";
    const auto empty = write("empty.key", "\n");
    auto r = hw({"import", file, "--key-file", empty});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "hwtotp: error: --key-file " + empty +
                         ": hex value is empty (accepted: an even number of hex digits)\n");
    r = hw({"import", file, "--key-file", "-"}, "1234567890123456789012345678901z");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err,
              "hwtotp: error: --key-file -: invalid hex character 'z' at position 32 (accepted: "
              "0-9, a-f, A-F)\n");
    r = hw({"import", file, "--key-file", "-"}, std::string(5000, 'a'));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "hwtotp: error: --key-file -: larger than 4096 bytes\n");
}

// --- limits, every path -----------------------------------------------------------------------

TEST_F(ImportCli, CsvPeriodAboveTheLimitIsRefused) {
    const auto csv = write("t.csv",
                           "A0000001,3132333435363738393031323334353637383930,totp,6,"
                           "100000000000000\n");
    auto r = hw({"import", csv});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "hwtotp: error: " + csv +
                         ": line 1 (serial A0000001): period 100000000000000 s is out of range "
                         "(accepted: 1 to 2147483647 s) (nothing was imported)\n");
}

TEST_F(ImportCli, UriCounterAbove2To63Minus1IsRefusedNotStoredNegative) {
    const auto uris =
        write("t.uri", "otpauth://hotp/ACME:H1?secret=MZXW6YTBOI&counter=18446744073709551615\n");
    auto r = hw({"import", uris});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "hwtotp: error: " + uris +
                         ": line 1: otpauth URI: counter 18446744073709551615 is out of range "
                         "(accepted: 0 to 9223372036854775807) (nothing was imported)\n");
}

TEST_F(ImportCli, PskcSecretOver1KiBAndIssuerOver1KiBAreRefused) {
    // 1,026 bytes of seed (1,368 base64 characters); the decoder refuses before decoding.
    const auto big_seed =
        write("seed.pskcxml", plain_pskc({"BIG00001"}, "ACME", "oath.HW", std::string(1368, 'A')));
    auto r = hw({"import", big_seed});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("KeyPackage 1 (serial BIG00001): Secret PlainValue: the seed is 1026 "
                         "bytes (accepted: 1 to 1024 bytes)"),
              std::string::npos)
        << r.err;
    const auto long_issuer =
        write("issuer.pskcxml", plain_pskc({"LONG0001"}, std::string(1025, 'i')));
    r = hw({"import", long_issuer});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("KeyPackage 1 (serial LONG0001): the issuer is 1025 bytes long "
                         "(accepted: at most 1024 bytes)"),
              std::string::npos)
        << r.err;
    const auto long_period =
        write("period.pskcxml",
              plain_pskc({"P0000001"}, "ACME", "oath.HW", "AQIDBAUGBwgJCgsMDQ4PEBESExQ=",
                         "<TimeInterval><PlainValue>100000000000</"
                         "PlainValue></TimeInterval>"));
    r = hw({"import", long_period});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("period 100000000000 s is out of range"), std::string::npos) << r.err;
    EXPECT_EQ(hw({"tokens", "list"}).out.find("BIG00001"), std::string::npos);
}

TEST_F(ImportCli, ShortSeedIsImportedWithAWarning) {
    const auto csv = write("t.csv", "SHORT001,31323334353637383930\n");
    auto r = hw({"import", csv});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err,
              "hwtotp: warning: line 1 (serial SHORT001): the seed is 10 bytes; RFC 4226 "
              "requires at least 16 (128 bits)\n");
}

// --- text from files, printed safely ------------------------------------------------------------

TEST_F(ImportCli, ControlCharactersInAnIssuerNeverReachTheTerminal) {
    // ESC [2J (erase the screen), an OSC window title ended by BEL, and a CR that would overwrite
    // the line, in a URI's issuer and label; ESC and DEL in a PSKC manufacturer.
    const auto uris = write("t.uri",
                            "otpauth://totp/ACME:%1B%5B2Jx%0DFAKE?secret="
                            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%1B%5D0%3Bpwned%07ACME&"
                            "serial=URI00001\n");
    ASSERT_EQ(hw({"import", uris}).exit_code, 0);
    const auto pskc =
        write("t.pskcxml", plain_pskc({"PSKC0001"}, "Issuer&#x9;Tab", "\x1b[31mRed\x7f"));
    auto imported = hw({"import", pskc});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;

    const auto list = hw({"tokens", "list"});
    ASSERT_EQ(list.exit_code, 0);
    EXPECT_FALSE(has_raw_control(list.out)) << list.out;
    EXPECT_NE(list.out.find("\\x1b]0;pwned\\x07ACME"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("Issuer\\x09Tab"), std::string::npos) << list.out;

    const auto show = hw({"tokens", "show", "URI00001"});
    ASSERT_EQ(show.exit_code, 0);
    EXPECT_FALSE(has_raw_control(show.out)) << show.out;
    EXPECT_NE(show.out.find("issuer:        \\x1b]0;pwned\\x07ACME\n"), std::string::npos);
    EXPECT_NE(show.out.find("label:         \\x1b[2Jx\\x0dFAKE\n"), std::string::npos);
    const auto show_pskc = hw({"tokens", "show", "PSKC0001"});
    EXPECT_NE(show_pskc.out.find("manufacturer:  \\x1b[31mRed\\x7f\n"), std::string::npos)
        << show_pskc.out;

    // --json keeps the text, escaped the JSON way.
    const auto json = hw({"--json", "tokens", "show", "URI00001"});
    EXPECT_NE(json.out.find("\"issuer\": \"\\u001b]0;pwned\\u0007ACME\""), std::string::npos)
        << json.out;
}

TEST_F(ImportCli, RejectedSerialsNeverReachTheTerminalRaw) {
    // A serial with ESC and NUL: refused (not printable). A first field that cannot be a serial
    // may be anything (even a seed on a line that is not CSV at all), so the line is named and
    // the field is not shown.
    const auto csv = write("t.csv", std::string("GAKT\x1b]0;x\x07") + '\0' +
                                        "EVIL,3132333435363738393031323334353637383930\n");
    auto r = hw({"import", csv});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_FALSE(has_raw_control(r.err)) << r.err;
    EXPECT_EQ(r.err, "hwtotp: error: " + csv +
                         ": line 1: the serial has a space or non-printable character at position "
                         "5 (nothing was imported)\n");
}

TEST_F(ImportCli, UnlockSuggestionQuotesASerialWithShellSyntax) {
    const auto csv = write("t.csv", "GAKT;id$(x),0102030405060708090a0b0c0d0e0f1011121314\n");
    ASSERT_EQ(hw({"import", csv}).exit_code, 0);
    const std::string serial = "GAKT;id$(x)";
    const std::string bad = code_at(t, serial) == "000000" ? "111111" : "000000";
    constexpr std::array<std::int64_t, 9> waits{0, 0, 5, 10, 20, 40, 80, 160, 300};
    std::int64_t now = 1700000000;
    for (std::size_t i = 0; i < waits.size(); ++i) {
        hw({"verify", "--token", serial, bad, "--time", std::to_string(now)});
        now += waits[i];
    }
    ASSERT_NE(code_at(std::to_string(now), serial), bad);
    const auto tenth = hw({"verify", "--token", serial, bad, "--time", std::to_string(now)});
    EXPECT_EQ(tenth.exit_code, 5);
    EXPECT_NE(tenth.err.find("(unlock with: hwtotp tokens unlock 'GAKT;id$(x)')"),
              std::string::npos)
        << tenth.err;
}

}  // namespace import_cli_test
}  // namespace hwtotp::test
