#include "pskc_key_package.h"

#include <array>
#include <charconv>

#include "export_writer.h"

namespace hwtotp::store::pskc_xml {

// The per-token XML is built from string_view literals: no strlen per piece.
using std::string_view_literals::operator""sv;

void append_escaped(std::string& out, std::string_view text) {
    if (text.find_first_of("&<>\"'") == std::string_view::npos) {
        out += text;  // the usual case: nothing to escape
        return;
    }
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;"sv;
                break;
            case '<':
                out += "&lt;"sv;
                break;
            case '>':
                out += "&gt;"sv;
                break;
            case '"':
                out += "&quot;"sv;
                break;
            case '\'':
                out += "&apos;"sv;
                break;
            default:
                out += c;
        }
    }
}

void append_element(std::string& out, std::string_view indent, std::string_view name,
                    std::string_view text) {
    out.append(indent).append("<pskc:"sv).append(name).append(">"sv);
    append_escaped(out, text);
    out.append("</pskc:"sv).append(name).append(">\n"sv);
}

namespace {

// A number as PlainValue text, without a string of its own per number.
template <typename Number>
void append_plain_data(std::string& out, std::string_view name, Number value) {
    std::array<char, 24> digits{};
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
    out.append("    <pskc:"sv).append(name).append("><pskc:PlainValue>"sv);
    out.append(digits.data(), end);
    out.append("</pskc:PlainValue></pskc:"sv).append(name).append(">\n"sv);
}

}  // namespace

void append_cipher_data(std::string& out, crypto::Cipher cipher,
                        std::span<const std::uint8_t> value, std::string_view indent) {
    out.append(indent).append("<xenc:EncryptionMethod Algorithm=\""sv);
    out.append(crypto::cipher_uri(cipher)).append("\"/>\n"sv);
    out.append(indent)
        .append("<xenc:CipherData>\n"sv)
        .append(indent)
        .append(" <xenc:CipherValue>"sv);
    crypto::append_base64(out, value);
    out.append("</xenc:CipherValue>\n"sv).append(indent).append("</xenc:CipherData>\n"sv);
}

std::string cipher_data(crypto::Cipher cipher, std::span<const std::uint8_t> value,
                        std::string_view indent) {
    std::string out;
    append_cipher_data(out, cipher, value, indent);
    return out;
}

Result<Sealer> Sealer::clone() const {
    HWTOTP_ASSIGN_OR_RETURN(auto other_encryptor, encryptor.clone());
    HWTOTP_ASSIGN_OR_RETURN(auto other_mac, mac.clone());
    return Sealer{cipher, std::move(other_encryptor), std::move(other_mac), {}, {}};
}

Result<void> Sealer::append_secret(std::string& xml, const Secret& seed) {
    HWTOTP_TRY(encryptor.encrypt(seed.expose(), encrypted));
    HWTOTP_TRY(mac.mac(encrypted, value_mac));
    xml += "    <pskc:Secret>\n     <pskc:EncryptedValue>\n"sv;
    append_cipher_data(xml, cipher, encrypted, "      ");
    xml += "     </pskc:EncryptedValue>\n     <pskc:ValueMAC>"sv;
    crypto::append_base64(xml, value_mac);
    xml += "</pskc:ValueMAC>\n    </pskc:Secret>\n"sv;
    return {};
}

void append_package_start(std::string& xml, const Token& token) {
    const TokenDescription& d = token.info.description;
    xml += " <pskc:KeyPackage>\n  <pskc:DeviceInfo>\n"sv;
    if (!d.manufacturer.empty())
        append_element(xml, "   ", "Manufacturer", d.manufacturer);
    append_element(xml, "   ", "SerialNo", d.serial);
    xml += "  </pskc:DeviceInfo>\n  <pskc:Key Id=\""sv;
    append_escaped(xml, d.serial);
    xml.append("\" Algorithm=\"urn:ietf:params:xml:ns:keyprov:pskc:"sv)
        .append(otp_type_name(d.type))
        .append("\">\n"sv);
    if (!d.issuer.empty())
        append_element(xml, "   ", "Issuer", d.issuer);
    xml.append("   <pskc:AlgorithmParameters>\n    <pskc:Suite>"sv)
        .append(hmac_label(d.params.hash()))
        .append("</pskc:Suite>\n    <pskc:ResponseFormat Length=\""sv)
        .append(std::to_string(d.params.digits()))
        .append("\" Encoding=\"DECIMAL\"/>\n   </pskc:AlgorithmParameters>\n"sv);
    if (!d.label.empty())
        append_element(xml, "   ", "FriendlyName", d.label);
    xml += "   <pskc:Data>\n"sv;
}

void append_package_end(std::string& xml, const Token& token) {
    const TokenDescription& d = token.info.description;
    if (d.type == OtpType::hotp || d.counter != 0)
        append_plain_data(xml, "Counter", d.counter);
    if (d.type == OtpType::totp || d.params.t0() != 0 || d.params.period() != 30 ||
        token.info.state.offset_steps != 0) {
        append_plain_data(xml, "Time", d.params.t0());
        append_plain_data(xml, "TimeInterval", d.params.period());
        append_plain_data(xml, "TimeDrift", token.info.state.offset_steps);
    }
    xml += "   </pskc:Data>\n"sv;
    if (!d.owner.empty())
        append_element(xml, "   ", "UserId", d.owner);
    xml += "  </pskc:Key>\n </pskc:KeyPackage>\n"sv;
}

Result<void> append_sealed_package(std::string& xml, const Token& token, Sealer& sealer) {
    append_package_start(xml, token);
    HWTOTP_TRY(sealer.append_secret(xml, token.seed));
    append_package_end(xml, token);
    return {};
}

}  // namespace hwtotp::store::pskc_xml
