#include "export_test_util.h"

#include <fstream>

#include <gtest/gtest.h>

namespace hwtotp::test {
namespace {

std::string base64_of_hex(const std::string& hex) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::vector<unsigned> bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes.push_back(static_cast<unsigned>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const unsigned n = (bytes[i] << 16) | ((i + 1 < bytes.size() ? bytes[i + 1] : 0) << 8) |
                           (i + 2 < bytes.size() ? bytes[i + 2] : 0);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? alphabet[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? alphabet[n & 63] : '=';
    }
    return out;
}

std::string package(const std::string& serial, const std::string& kind, const std::string& suite,
                    int digits, const std::string& seed_hex, const std::string& data,
                    const std::string& extra_key, const std::string& device_extra = "") {
    return "<pskc:KeyPackage><pskc:DeviceInfo>" + device_extra + "<pskc:SerialNo>" + serial +
           "</pskc:SerialNo></pskc:DeviceInfo><pskc:Key Id=\"" + serial +
           "\" Algorithm=\"urn:ietf:params:xml:ns:keyprov:pskc:" + kind + "\">" + extra_key +
           "<pskc:AlgorithmParameters><pskc:Suite>" + suite +
           "</pskc:Suite><pskc:ResponseFormat Encoding=\"DECIMAL\" Length=\"" +
           std::to_string(digits) +
           "\"/></pskc:AlgorithmParameters><pskc:Data><pskc:Secret><pskc:PlainValue>" +
           base64_of_hex(seed_hex) + "</pskc:PlainValue></pskc:Secret>" + data +
           "</pskc:Data></pskc:Key></pskc:KeyPackage>\n";
}

std::string plain(const std::string& name, const std::string& value) {
    return "<pskc:" + name + "><pskc:PlainValue>" + value + "</pskc:PlainValue></pskc:" + name +
           ">";
}

}  // namespace

std::string source_pskc() {
    std::string xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<pskc:KeyContainer "
        "xmlns:pskc=\"urn:ietf:params:xml:ns:keyprov:pskc\" Version=\"1.0\">\n";
    xml += package("GAKT00000001", "totp", "HMAC-SHA1", 6, seed_sha1,
                   plain("Time", "0") + plain("TimeInterval", "30") + plain("TimeDrift", "2"),
                   "<pskc:Issuer>ACME &amp; Co</pskc:Issuer>",
                   "<pskc:Manufacturer>Feitian</pskc:Manufacturer>");
    xml.insert(xml.rfind("</pskc:Data>") + 12,
               "<pskc:UserId>alice</pskc:UserId>");  // the Key's UserId: the owner
    xml.insert(xml.find("<pskc:Data>"),
               "<pskc:FriendlyName>Alice's &lt;fob&gt;</pskc:FriendlyName>");
    std::string second = package("GAKT00000002", "totp", "HMAC-SHA256", 8, seed_sha256,
                                 plain("TimeInterval", "60"), "");
    second.insert(second.rfind("</pskc:Data>") + 12, "<pskc:UserId>bob</pskc:UserId>");
    xml += second;
    xml += package("HOTP00000003", "hotp", "HMAC-SHA1", 6, seed_sha1, plain("Counter", "42"), "");
    xml += package("SHA5T0000004", "totp", "HMAC-SHA512", 7, seed_sha512,
                   plain("Time", "1000") + plain("TimeInterval", "30"), "");
    return xml + "</pskc:KeyContainer>\n";
}

CliResult ExportRegistries::hw(const std::string& name, const std::vector<std::string>& args,
                               const std::string& stdin_text) const {
    CliOptions options;
    options.env = {{"HWTOTP_DB", dir.file(name + "/tokens.db")}, {"HWTOTP_KEY_FILE", ""}};
    options.stdin_text = stdin_text;
    return run_cli(args, options);
}

void ExportRegistries::import(const std::string& name, const std::string& file,
                              const std::vector<std::string>& extra) const {
    std::vector<std::string> args{"import", file};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = hw(name, args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::map<std::string, nlohmann::json> ExportRegistries::tokens(const std::string& name) const {
    const auto r = hw(name, {"--json", "tokens", "list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, nlohmann::json> out;
    const auto listed = nlohmann::json::parse(r.out);
    for (const auto& t : listed["tokens"])
        out[t["serial"].get<std::string>()] = t;
    return out;
}

std::string ExportRegistries::seed(const std::string& name, const std::string& serial) const {
    CliOptions options;
    options.env = {{"HWTOTP_DB", dir.file(name + "/tokens.db")}, {"HWTOTP_KEY_FILE", ""}};
    options.log_output = false;
    const auto r = run_cli({"tokens", "show", serial, "--reveal-seed", "--yes"}, options);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto at = r.out.find("secret=");
    if (at == std::string::npos)
        return {};
    return r.out.substr(at + 7, r.out.find('&', at) - at - 7);
}

}  // namespace hwtotp::test
