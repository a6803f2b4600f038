// export --format uri --qr DIR: one PNG per token that a QR reader (zbarimg, Debian zbar-tools)
// decodes to the token's URI, each 0600; the directory must be the caller's alone; the set of
// files is all or nothing.
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "export_test_util.h"

namespace hwtotp::test {
namespace {

// zbarimg's decoding of a PNG (stdout only: it talks to D-Bus on stderr).
std::string decode_qr(const std::string& png) {
    FILE* pipe = ::popen(("zbarimg -q --raw " + png + " 2>/dev/null").c_str(), "r");
    if (pipe == nullptr)
        return {};
    std::string out;
    char buffer[4096];
    while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
        out.append(buffer, n);
    ::pclose(pipe);
    return out;
}

class ExportQr : public ::testing::Test {
  protected:
    void SetUp() override {
        struct stat st {};
        ASSERT_EQ(::stat("/usr/bin/zbarimg", &st), 0)
            << "zbarimg is missing: scripts/install-deps.sh installs zbar-tools";
        std::ofstream(reg.file("source.pskcxml")) << source_pskc();
        reg.import("src", reg.file("source.pskcxml"));
        ASSERT_EQ(::mkdir(qr_dir().c_str(), 0700), 0);
    }
    std::string qr_dir() const { return reg.file("qr"); }
    CliResult export_qr(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{
            "export",       "--format", "uri",    "--serial", "GAKT00000001",      "--serial",
            "HOTP00000003", "--qr",     qr_dir(), "--output", reg.file("uris.txt")};
        args.insert(args.end(), extra.begin(), extra.end());
        return reg.hw("src", args);
    }

    ExportRegistries reg;
};

TEST_F(ExportQr, EachPngDecodesToItsTokensUriAndIsOwnerOnly) {
    const auto r = export_qr();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "wrote 2 tokens to " + reg.file("uris.txt") + " (uri) and 2 QR codes to " +
                         qr_dir() + "\n");
    std::ifstream in(reg.file("uris.txt"));
    std::stringstream text;
    text << in.rdbuf();
    const auto uris = lines(text.str());
    ASSERT_EQ(uris.size(), 2U);
    const std::vector<std::string> pngs{qr_dir() + "/GAKT00000001.png",
                                        qr_dir() + "/HOTP00000003.png"};
    for (std::size_t i = 0; i < pngs.size(); ++i) {
        SCOPED_TRACE(pngs[i]);
        struct stat st {};
        ASSERT_EQ(::stat(pngs[i].c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0600U);
        EXPECT_EQ(decode_qr(pngs[i]), uris[i] + "\n");
    }
}

TEST_F(ExportQr, DirectoryOthersMayWriteIsRefused) {
    ASSERT_EQ(::chmod(qr_dir().c_str(), 0770), 0);
    const auto r = export_qr();
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "hwtotp: error: directory " + qr_dir() +
                         " is writable by group or others (use one only you may write: chmod "
                         "go-w)\n");
    struct stat st {};
    EXPECT_NE(::stat(reg.file("uris.txt").c_str(), &st), 0);
}

TEST_F(ExportQr, ExistingPngStopsTheExportAndRemovesTheFilesAlreadyWritten) {
    std::ofstream(qr_dir() + "/HOTP00000003.png") << "not mine\n";
    const auto r = export_qr();
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "hwtotp: error: " + qr_dir() +
                         "/HOTP00000003.png already exists (nothing was written; pass --force "
                         "to replace it)\n");
    struct stat st {};
    EXPECT_NE(::stat((qr_dir() + "/GAKT00000001.png").c_str(), &st), 0);
    EXPECT_NE(::stat(reg.file("uris.txt").c_str(), &st), 0);
    std::ifstream in(qr_dir() + "/HOTP00000003.png");
    std::string kept;
    std::getline(in, kept);
    EXPECT_EQ(kept, "not mine");
}

}  // namespace
}  // namespace hwtotp::test
