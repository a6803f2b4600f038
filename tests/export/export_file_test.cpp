// The output file of hwtotp export: 0600, never overwritten without --force, never a link,
// terminal or other non-regular file, and no file at all (not even a temporary) after an error.
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "export_test_util.h"

namespace hwtotp::test {
namespace {

class ExportFile : public ::testing::Test {
  protected:
    void SetUp() override {
        std::ofstream(reg.file("source.pskcxml")) << source_pskc();
        reg.import("src", reg.file("source.pskcxml"));
        ASSERT_EQ(::mkdir(reg.file("out").c_str(), 0700), 0);
    }
    CliResult export_uri(const std::string& output, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"export",       "--format", "uri", "--serial",
                                      "GAKT00000001", "--output", output};
        args.insert(args.end(), extra.begin(), extra.end());
        return reg.hw("src", args);
    }
    // Names in <dir>/out.
    std::vector<std::string> out_names() const {
        std::vector<std::string> names;
        DIR* d = ::opendir(reg.file("out").c_str());
        while (const dirent* e = ::readdir(d)) {
            const std::string name = e->d_name;
            if (name != "." && name != "..")
                names.push_back(name);
        }
        ::closedir(d);
        return names;
    }
    static std::string content(const std::string& path) {
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    ExportRegistries reg;
};

TEST_F(ExportFile, NewFileIsOwnerOnlyAndHoldsOneLinePerToken) {
    const std::string out = reg.file("out/uris.txt");
    const auto r = export_uri(out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "wrote 1 token to " + out + " (uri)\n");
    struct stat st {};
    ASSERT_EQ(::stat(out.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    EXPECT_EQ(lines(content(out)).size(), 1U);
    EXPECT_EQ(out_names(), std::vector<std::string>{"uris.txt"});  // no temporary left
}

TEST_F(ExportFile, ExistingFileIsRefusedAndKeptUnlessForced) {
    const std::string out = reg.file("out/uris.txt");
    std::ofstream(out) << "keep me\n";
    auto r = export_uri(out);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "hwtotp: error: " + out +
                         " already exists (nothing was written; pass --force to replace it)\n");
    EXPECT_EQ(content(out), "keep me\n");
    r = export_uri(out, {"--force"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(content(out).rfind("otpauth://totp/", 0), 0U);
    struct stat st {};
    ASSERT_EQ(::stat(out.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
}

TEST_F(ExportFile, SymbolicLinkIsNeitherFollowedNorReplacedEvenWithForce) {
    const std::string target = reg.file("target.txt");
    std::ofstream(target) << "victim\n";
    const std::string link = reg.file("out/link.txt");
    ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
    const auto r = export_uri(link, {"--force"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("is a symbolic link, which is never followed"), std::string::npos)
        << r.err;
    EXPECT_EQ(content(target), "victim\n");
    struct stat st {};
    ASSERT_EQ(::lstat(link.c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
}

TEST_F(ExportFile, TerminalIsRefusedEvenWithForce) {
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    ASSERT_GE(master, 0);
    ASSERT_EQ(::grantpt(master), 0);
    ASSERT_EQ(::unlockpt(master), 0);
    const std::string terminal = ::ptsname(master);
    const auto r = export_uri(terminal, {"--force"});
    ::close(master);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "hwtotp: error: " + terminal +
                         " is a terminal: seeds are never written to one (name a new file)\n");
}

TEST_F(ExportFile, StandardOutputIsRefused) {
    const auto r = export_uri("-");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "hwtotp: error: seeds are not written to standard output (name a new file)\n");
}

TEST_F(ExportFile, ErrorAfterTheFirstTokenLeavesNoFileAndNoTemporary) {
    // A SHA-1 token with a 32-byte key: privacyIDEA would read it as SHA-256. Found only once
    // its seed is read, after GAKT00000001 was written.
    std::ofstream(reg.file("long.csv")) << "LONG0001," << seed_sha256 << ",totp,6,30,sha1\n";
    reg.import("src", reg.file("long.csv"));
    const std::string out = reg.file("out/pi.csv");
    const auto r = reg.hw("src", {"export", "--format", "privacyidea-csv", "--serial",
                                  "GAKT00000001", "--serial", "LONG0001", "--output", out});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err,
              "hwtotp: error: serial LONG0001: a 32-byte key with HMAC-SHA1: privacyIDEA takes "
              "the hash from the key's length and would read another (the privacyidea-csv "
              "format cannot carry it)\n");
    EXPECT_TRUE(out_names().empty());
}

TEST_F(ExportFile, NamedTokenTheFormatCannotCarryIsRefusedBySerial) {
    const auto r = reg.hw("src", {"export", "--format", "pam-oath", "--serial", "GAKT00000002",
                                  "--output", reg.file("out/users")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err,
              "hwtotp: error: serial GAKT00000002: HMAC-SHA256: pam_oath computes HMAC-SHA1 only "
              "(the pam-oath format cannot carry it)\n");
    EXPECT_TRUE(out_names().empty());
}

TEST_F(ExportFile, AllSkipsAndNamesTokensTheFormatCannotCarry) {
    const std::string out = reg.file("out/users");
    const auto r = reg.hw("src", {"export", "--format", "pam-oath", "--all", "--output", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "wrote 1 token to " + out + " (pam-oath); 3 skipped\n");
    EXPECT_NE(r.err.find("hwtotp: warning: skipped GAKT00000002: HMAC-SHA256: pam_oath computes "
                         "HMAC-SHA1 only\n"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("skipped HOTP00000003: it has no owner"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("skipped SHA5T0000004: HMAC-SHA512"), std::string::npos) << r.err;
    // GAKT00000001 drifts 2 steps, which a usersfile cannot say.
    EXPECT_NE(r.err.find("1 token's clock offset is not carried by pam-oath"), std::string::npos)
        << r.err;
    const auto text = lines(content(out));
    ASSERT_EQ(text.size(), 2U);
    EXPECT_EQ(text[1].rfind("HOTP/T30 alice - ", 0), 0U);
}

TEST_F(ExportFile, JsonSummaryNamesTheFileTheCountAndTheSkippedTokens) {
    const std::string out = reg.file("out/users");
    const auto r =
        reg.hw("src", {"--json", "export", "--format", "pam-oath", "--all", "--output", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["file"], out);
    EXPECT_EQ(j["format"], "pam-oath");
    EXPECT_EQ(j["written"], 1);
    EXPECT_EQ(j["qr_codes"], 0);
    ASSERT_EQ(j["skipped"].size(), 3U);
    EXPECT_EQ(j["skipped"][0], "GAKT00000002: HMAC-SHA256: pam_oath computes HMAC-SHA1 only");
}

TEST_F(ExportFile, TextXmlCannotHoldIsRefusedBySerialSoPythonPskcNeverSeesABrokenFile) {
    // A label with a control character (XML 1.0 cannot write one) and one in Latin-1, not UTF-8.
    std::ofstream(reg.file("odd.uri"))
        << "otpauth://totp/Iss:a%01b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&serial=CTRL0001\n"
        << "otpauth://totp/Iss:caf%E9?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&serial=LAT10002\n";
    reg.import("src", reg.file("odd.uri"));
    for (const auto& [serial, why] : {std::pair{"CTRL0001", "its label holds a control character"},
                                      {"LAT10002", "its label is not UTF-8 text"}}) {
        for (const std::string format : {"pskc", "entra-csv"}) {
            std::vector<std::string> args{"export", "--format", format,           "--serial",
                                          serial,   "--output", reg.file("out/x")};
            if (format == "pskc")
                args.push_back("--plain");
            const auto r = reg.hw("src", args);
            EXPECT_EQ(r.exit_code, 2);
            EXPECT_EQ(r.err, "hwtotp: error: serial " + std::string(serial) + ": " + why +
                                 " (the " + format + " format cannot carry it)\n");
        }
    }
    EXPECT_TRUE(out_names().empty());
}

// PSKC checks each token as the registry walk reaches it, after earlier ones went into the
// temporary file: a refusal there must still leave nothing behind.
TEST_F(ExportFile, PskcRefusalAfterTokensWereWrittenLeavesNoFileAndNoTemporary) {
    std::ofstream(reg.file("odd.uri"))
        << "otpauth://totp/Iss:a%01b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&serial=CTRL0001\n";
    reg.import("src", reg.file("odd.uri"));
    const auto r = reg.hw(
        "src", {"export", "--format", "pskc", "--plain", "--serial", "GAKT00000001", "--serial",
                "GAKT00000002", "--serial", "CTRL0001", "--output", reg.file("out/x.pskcxml")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err,
              "hwtotp: error: serial CTRL0001: its label holds a control character (the pskc "
              "format cannot carry it)\n");
    EXPECT_TRUE(out_names().empty());
}

// With all tokens, PSKC skips (and names) the ones it cannot carry while writing the others.
TEST_F(ExportFile, PskcOfAllTokensSkipsTheOnesXmlCannotHold) {
    std::ofstream(reg.file("odd.uri"))
        << "otpauth://totp/Iss:a%01b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&serial=CTRL0001\n";
    reg.import("src", reg.file("odd.uri"));
    const std::string out = reg.file("out/all.pskcxml");
    const auto r = reg.hw(
        "src", {"--json", "export", "--format", "pskc", "--plain", "--all", "--output", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["written"], 4);
    ASSERT_EQ(j["skipped"].size(), 1U);
    EXPECT_EQ(j["skipped"][0], "CTRL0001: its label holds a control character");
    const std::string xml = content(out);
    EXPECT_EQ(xml.find("CTRL0001"), std::string::npos);
    EXPECT_NE(xml.find("<pskc:SerialNo>SHA5T0000004</pskc:SerialNo>"), std::string::npos);
    EXPECT_NE(xml.rfind("</pskc:KeyContainer>\n"), std::string::npos);
}

TEST_F(ExportFile, PskcWithoutKeyPasswordOrPlainIsRefused) {
    const auto r = reg.hw(
        "src", {"export", "--format", "pskc", "--all", "--output", reg.file("out/x.pskcxml")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err,
              "hwtotp: error: PSKC seeds must be protected: give --key-file PATH or "
              "--password-file PATH (or --plain to write them unencrypted)\n");
    EXPECT_TRUE(out_names().empty());
}

}  // namespace
}  // namespace hwtotp::test
