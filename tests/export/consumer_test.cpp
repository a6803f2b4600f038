// Exports read by independent implementations: python-pskc reads every PSKC export (plain,
// pre-shared key, password) and finds the same seeds and parameters; oathtool computes the
// same codes as hwtotp from the exported hex keys.
#include <stdio.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "export_test_util.h"

namespace hwtotp::test {
namespace {

struct Command {
    int status = -1;
    std::string out;
};

// Runs a shell command line (arguments here are temp paths and hex, no user input).
Command shell(const std::string& command) {
    Command c;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr)
        return c;
    std::array<char, 4096> buffer{};
    while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        c.out.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    c.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return c;
}

class ExportConsumers : public ::testing::Test {
  protected:
    void SetUp() override {
        std::ofstream(reg.file("source.pskcxml")) << source_pskc();
        reg.import("src", reg.file("source.pskcxml"));
        std::ofstream(reg.file("pw")) << "correct horse\n";
    }
    void export_ok(const std::vector<std::string>& args) {
        std::vector<std::string> full{"export", "--output", reg.file("out")};
        full.insert(full.end(), args.begin(), args.end());
        const auto r = reg.hw("src", full);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    // python-pskc's reading of the export, by serial.
    std::map<std::string, nlohmann::json> python_pskc(const std::string& key_args) {
        const auto c = shell("/usr/bin/python3 " + std::string(HWTOTP_EXPORT_TESTS_DIR) +
                             "/python_pskc_read.py " + reg.file("out") + " " + key_args);
        EXPECT_EQ(c.status, 0) << c.out;
        std::map<std::string, nlohmann::json> keys;
        if (c.status != 0)
            return keys;
        const auto parsed = nlohmann::json::parse(c.out);
        for (const auto& k : parsed)
            keys[k["serial"].get<std::string>()] = k;
        return keys;
    }
    static void expect_source_tokens(const std::map<std::string, nlohmann::json>& keys) {
        ASSERT_EQ(keys.size(), 4U);
        const auto& a = keys.at("GAKT00000001");
        EXPECT_EQ(a["secret"], seed_sha1);
        EXPECT_EQ(a["algorithm"], "urn:ietf:params:xml:ns:keyprov:pskc:totp");
        EXPECT_EQ(a["suite"], "HMAC-SHA1");
        EXPECT_EQ(a["digits"], 6);
        EXPECT_EQ(a["encoding"], "DECIMAL");
        EXPECT_EQ(a["period"], 30);
        EXPECT_EQ(a["t0"], 0);
        EXPECT_EQ(a["drift"], 2);
        EXPECT_EQ(a["userid"], "alice");
        const auto& b = keys.at("GAKT00000002");
        EXPECT_EQ(b["secret"], seed_sha256);
        EXPECT_EQ(b["suite"], "HMAC-SHA256");
        EXPECT_EQ(b["digits"], 8);
        EXPECT_EQ(b["period"], 60);
        EXPECT_EQ(b["userid"], "bob");
        const auto& c = keys.at("HOTP00000003");
        EXPECT_EQ(c["secret"], seed_sha1);
        EXPECT_EQ(c["algorithm"], "urn:ietf:params:xml:ns:keyprov:pskc:hotp");
        EXPECT_EQ(c["counter"], 42);
        const auto& d = keys.at("SHA5T0000004");
        EXPECT_EQ(d["secret"], seed_sha512);
        EXPECT_EQ(d["suite"], "HMAC-SHA512");
        EXPECT_EQ(d["digits"], 7);
        EXPECT_EQ(d["t0"], 1000);
    }

    ExportRegistries reg;
};

TEST_F(ExportConsumers, PythonPskcReadsAPasswordProtectedExport) {
    export_ok({"--format", "pskc", "--all", "--password-file", reg.file("pw")});
    expect_source_tokens(python_pskc("--password-file " + reg.file("pw")));
}

TEST_F(ExportConsumers, PythonPskcReadsAnExportUnderAPreSharedAes256Key) {
    const std::string key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    std::ofstream(reg.file("key")) << key << "\n";
    export_ok({"--format", "pskc", "--all", "--key-file", reg.file("key")});
    expect_source_tokens(python_pskc("--key " + key));
}

TEST_F(ExportConsumers, PythonPskcReadsAPlainExport) {
    export_ok({"--format", "pskc", "--all", "--plain"});
    expect_source_tokens(python_pskc(""));
}

TEST_F(ExportConsumers, PythonPskcRefusesATamperedValue) {
    export_ok({"--format", "pskc", "--all", "--password-file", reg.file("pw")});
    std::ifstream in(reg.file("out"));
    std::stringstream text;
    text << in.rdbuf();
    std::string xml = text.str();
    // Flip one base64 character of the first Secret's CipherValue: its ValueMAC must fail.
    const auto secret = xml.find("<pskc:Secret>");
    const auto at = xml.find("<xenc:CipherValue>", secret) + 18;
    xml[at] = xml[at] == 'A' ? 'B' : 'A';
    std::ofstream(reg.file("out")) << xml;
    const auto c =
        shell("/usr/bin/python3 " + std::string(HWTOTP_EXPORT_TESTS_DIR) + "/python_pskc_read.py " +
              reg.file("out") + " --password-file " + reg.file("pw"));
    EXPECT_NE(c.status, 0);
    EXPECT_NE(c.out.find("MAC value does not match"), std::string::npos) << c.out;
}

// Each line of a privacyIDEA export (hex keys, every hash): oathtool's code = hwtotp's.
TEST_F(ExportConsumers, OathtoolComputesTheSameCodesFromExportedHexKeys) {
    export_ok({"--format", "privacyidea-csv", "--serial", "GAKT00000001", "--serial",
               "GAKT00000002", "--serial", "HOTP00000003"});
    std::ifstream in(reg.file("out"));
    std::string line;
    int checked = 0;
    const std::string time = "1700000000";
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::vector<std::string> f;
        std::stringstream fields(line);
        for (std::string field; std::getline(fields, field, ',');)
            f.push_back(field.erase(0, std::min(field.size(), field.find_first_not_of(' '))));
        ASSERT_EQ(f.size(), 8U) << line;  // user, resolver, realm, serial, key, type, len, n
        const std::string& serial = f[3];
        const std::string& key = f[4];
        const std::string hash = key.size() == 64    ? "sha256"
                                 : key.size() == 128 ? "sha512"
                                                     : "sha1";
        const std::string oath = f[5] == "hotp"
                                     ? "oathtool --hotp -d " + f[6] + " -c " + f[7] + " " + key
                                     : "oathtool --totp=" + hash + " -d " + f[6] + " -s " + f[7] +
                                           "s -N @" + time + " " + key;
        const auto theirs = shell(oath);
        ASSERT_EQ(theirs.status, 0) << theirs.out;
        std::vector<std::string> args{"code", "--token", serial};
        if (f[5] == "totp")
            args.insert(args.end(), {"--time", time});
        const auto ours = reg.hw("src", args);
        ASSERT_EQ(ours.exit_code, 0) << ours.err;
        EXPECT_EQ(ours.out, theirs.out) << serial;
        ++checked;
    }
    EXPECT_EQ(checked, 3);
}

}  // namespace
}  // namespace hwtotp::test
