// import(export(x)) = x: tokens exported in each format and imported into a fresh registry come
// back with the same seed, algorithm, digits, period, T0, counter, owner and serial (as far as
// the format carries them), through the real hwtotp binary.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "export_test_util.h"

namespace hwtotp::test {
namespace {

class ExportRoundTrip : public ::testing::Test {
  protected:
    void SetUp() override {
        std::ofstream(reg.file("source.pskcxml")) << source_pskc();
        reg.import("src", reg.file("source.pskcxml"));
        std::ofstream key(reg.file("transport.key"));
        key << "000102030405060708090a0b0c0d0e0f\n";
        key.close();
        std::ofstream(reg.file("pw")) << "correct horse\n";
    }

    // Exports from "src" with `args`, imports the file into a fresh registry "dst".
    void export_and_import(const std::vector<std::string>& args,
                           const std::vector<std::string>& import_extra = {}) {
        std::vector<std::string> full{"export", "--output", reg.file("out")};
        full.insert(full.end(), args.begin(), args.end());
        const auto r = reg.hw("src", full);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        reg.import("dst", reg.file("out"), import_extra);
    }

    // Every field in `fields` and the seed of every token in "dst" equal those in "src".
    void expect_same(const std::vector<std::string>& serials,
                     const std::vector<std::string>& fields) {
        const auto src = reg.tokens("src");
        const auto dst = reg.tokens("dst");
        ASSERT_EQ(dst.size(), serials.size());
        for (const auto& serial : serials) {
            SCOPED_TRACE(serial);
            ASSERT_TRUE(dst.count(serial) == 1);
            for (const auto& field : fields)
                EXPECT_EQ(dst.at(serial).value(field, nlohmann::json()),
                          src.at(serial).value(field, nlohmann::json()))
                    << field;
            const auto seed = reg.seed("dst", serial);
            EXPECT_FALSE(seed.empty());
            EXPECT_EQ(seed, reg.seed("src", serial));
        }
    }

    ExportRegistries reg;
};

const std::vector<std::string> code_fields{"serial", "type", "algorithm", "digits",
                                           "period", "t0",   "counter"};

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

const std::vector<std::string> all_serials{"GAKT00000001", "GAKT00000002", "HOTP00000003",
                                           "SHA5T0000004"};

TEST_F(ExportRoundTrip, PskcUnderAPasswordKeepsEveryField) {
    export_and_import(
        {"--format", "pskc", "--all", "--password-file", reg.file("pw"), "--iterations", "1000"},
        {"--password-file", reg.file("pw")});
    expect_same(all_serials,
                plus(code_fields, {"owner", "label", "issuer", "manufacturer", "offset_steps"}));
}

// 2,000 tokens under a password at the default 100,000 iterations: they are read while the key
// is derived, then sealed on two threads (export_read_ahead.h, render_in_two.h). Every token
// must come back, with its seed: the same otpauth URIs from both registries.
TEST(ExportRoundTripMany, PskcOfTokensReadWhileTheKeyIsDerivedComesBackWhole) {
    ExportRegistries reg;
    std::ofstream csv(reg.file("many.csv"));
    for (unsigned i = 0; i < 2000; ++i) {
        char line[64];
        std::snprintf(line, sizeof line, "MANY%06u,%08x%08x%08x%08x%08x\n", i, i * 2654435761U,
                      i + 7, i * 40503U, ~i, i * 97U + 1);
        csv << line;
    }
    csv.close();
    reg.import("src", reg.file("many.csv"));
    std::ofstream(reg.file("pw")) << "correct horse\n";
    auto r = reg.hw("src", {"export", "--format", "pskc", "--all", "--password-file",
                            reg.file("pw"), "--output", reg.file("many.pskcxml")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    reg.import("dst", reg.file("many.pskcxml"), {"--password-file", reg.file("pw")});
    for (const char* name : {"src", "dst"}) {
        r = reg.hw(name, {"export", "--format", "uri", "--all", "--output",
                          reg.file(std::string(name) + ".uris")});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const std::string src = read_text(reg.file("src.uris"));
    EXPECT_EQ(std::count(src.begin(), src.end(), '\n'), 2000);
    EXPECT_TRUE(src == read_text(reg.file("dst.uris")));  // (not printed: seeds)
}

TEST_F(ExportRoundTrip, PskcUnderAPreSharedKeyFromStdinKeepsEveryField) {
    const auto r = reg.hw(
        "src",
        {"export", "--format", "pskc", "--all", "--key-file", "-", "--output", reg.file("out")},
        "000102030405060708090a0b0c0d0e0f\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "wrote 4 tokens to " + reg.file("out") + " (pskc)\n");
    reg.import("dst", reg.file("out"), {"--key-file", reg.file("transport.key")});
    expect_same(all_serials,
                plus(code_fields, {"owner", "label", "issuer", "manufacturer", "offset_steps"}));
}

TEST_F(ExportRoundTrip, PlainPskcKeepsEveryField) {
    export_and_import({"--format", "pskc", "--all", "--plain"});
    expect_same(all_serials,
                plus(code_fields, {"owner", "label", "issuer", "manufacturer", "offset_steps"}));
}

TEST_F(ExportRoundTrip, EncryptedPskcDoesNotImportUnderAnotherKey) {
    export_and_import({"--format", "pskc", "--all", "--key-file", reg.file("transport.key")},
                      {"--key-file", reg.file("transport.key")});
    std::ofstream(reg.file("other.key")) << "0f0e0d0c0b0a09080706050403020100\n";
    const auto r =
        reg.hw("other", {"import", reg.file("out"), "--key-file", reg.file("other.key")});
    EXPECT_EQ(r.exit_code, 2);
    // The MAC key, encrypted under the export's key, does not decrypt under another.
    EXPECT_NE(r.err.find("wrong key or password"), std::string::npos) << r.err;
}

TEST_F(ExportRoundTrip, OtpauthUrisKeepSerialsLabelsAndCounters) {
    export_and_import({"--format", "uri", "--serial", "GAKT00000001", "--serial", "GAKT00000002",
                       "--serial", "HOTP00000003"});
    expect_same({"GAKT00000001", "GAKT00000002", "HOTP00000003"}, plus(code_fields, {"issuer"}));
    // The label is the URI's account name; a token without one is labelled with its serial.
    const auto dst = reg.tokens("dst");
    EXPECT_EQ(dst.at("GAKT00000001")["label"], "Alice's <fob>");
    EXPECT_EQ(dst.at("GAKT00000002")["label"], "GAKT00000002");
}

TEST_F(ExportRoundTrip, PrivacyIdeaCsvKeepsOwnersAndHashesByKeyLength) {
    export_and_import({"--format", "privacyidea-csv", "--all"});
    // SHA5T0000004 has a T0, which privacyIDEA cannot carry: skipped with --all.
    expect_same({"GAKT00000001", "GAKT00000002", "HOTP00000003"}, plus(code_fields, {"owner"}));
}

TEST_F(ExportRoundTrip, PrivacyIdeaCsvWithoutOwnersIsStillRecognisedByItsVersionLine) {
    // HOTP00000003 has no owner: the version 1 form, which must not read as hwtotp's own CSV
    // (whose fifth column is a period, not a counter).
    export_and_import({"--format", "privacyidea-csv", "--serial", "HOTP00000003"});
    expect_same({"HOTP00000003"}, plus(code_fields, {"owner"}));
}

TEST_F(ExportRoundTrip, EntraCsvKeepsUpnSerialAndManufacturer) {
    std::ofstream(reg.file("entra.csv"))
        << "upn,serial number,secret key,time interval,manufacturer,model\n"
        << "\"carol, the admin\",ENTR00000005,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,60,Contoso,"
           "\"Key, 60 s\"\n"
        // A UPN starting with '#' must not turn its line into a comment.
        << "\"#ops@example.com\",ENTR00000006,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,,\n";
    reg.import("src", reg.file("entra.csv"));
    export_and_import({"--format", "entra-csv", "--serial", "GAKT00000001", "--serial",
                       "ENTR00000005", "--serial", "ENTR00000006"});
    expect_same({"GAKT00000001", "ENTR00000005", "ENTR00000006"},
                plus(code_fields, {"owner", "manufacturer"}));
    EXPECT_EQ(reg.tokens("dst").at("ENTR00000005")["label"], "Key, 60 s");
}

TEST_F(ExportRoundTrip, PamOathUsersfileKeepsUsersTheirLineOrderAndHotpCounters) {
    std::ofstream(reg.file("users.oath")) << "HOTP/T30 dave - " << seed_sha1 << "\n"
                                          << "HOTP/E/8 erin - " << seed_sha256 << " 7\n"
                                          << "HOTP/T60/7 dave - " << seed_sha1 << "\n"
                                          << "HOTP/T30 dave - " << seed_sha256 << "\n";
    reg.import("pam", reg.file("users.oath"));
    const auto r = reg.hw(
        "pam", {"export", "--format", "pam-oath", "--all", "--output", reg.file("out.oath")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    reg.import("dst", reg.file("out.oath"));
    const auto src = reg.tokens("pam");
    const auto dst = reg.tokens("dst");
    ASSERT_EQ(dst.size(), 4U);
    for (const auto& serial :
         {"pam-oath:dave", "pam-oath:dave:2", "pam-oath:dave:3", "pam-oath:erin"}) {
        SCOPED_TRACE(serial);
        ASSERT_EQ(dst.count(serial), 1U);
        for (const auto& field : plus(code_fields, {"owner"}))
            EXPECT_EQ(dst.at(serial).value(field, nlohmann::json()),
                      src.at(serial).value(field, nlohmann::json()))
                << field;
        EXPECT_EQ(reg.seed("dst", serial), reg.seed("pam", serial));
    }
    EXPECT_EQ(dst.at("pam-oath:erin")["counter"], 7);
}

}  // namespace
}  // namespace hwtotp::test
