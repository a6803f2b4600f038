// PSKC (RFC 6030) export: one KeyPackage per token, written as it comes (memory stays flat in the
// number of keys).
//
// Protection (§6): with a pre-shared key or a PBKDF2 password (§6.2; PRF HMAC-SHA256, a random
// 16-byte salt, python-pskc's default 100,000 iterations, AES-128-CBC) every Secret is an
// EncryptedValue (AES-CBC, a random IV prepended, §6.1) followed by a ValueMAC: HMAC-SHA256 over
// IV || ciphertext (§6.1.1) under a random 32-byte MAC key that MACMethod/MACKey carries
// encrypted under the same key. A reader thus detects a tampered value before it decrypts it.
// Plain files hold the seed as PlainValue (base64).
//
// What a token's codes need is carried: the algorithm URI (hotp/totp), Suite (HMAC-SHA1/256/512,
// which hwtotp's and python-pskc's readers take as the hash), ResponseFormat Length with
// Encoding DECIMAL, DeviceInfo SerialNo and Manufacturer, Issuer, FriendlyName (the label),
// Counter, Time (T0), TimeInterval, TimeDrift (the offset in steps) and UserId (the owner).
// Counters, times and drift stay plain values, as python-pskc writes them.

#include <array>

#include "crypto.h"
#include "export_writer.h"
#include "hwtotp/store/import.h"

namespace hwtotp::store {
namespace {

constexpr std::string_view hmac_sha256_uri = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256";
constexpr std::string_view pbkdf2_uri =
    "http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#pbkdf2";
constexpr std::size_t mac_key_size = 32;
constexpr std::size_t salt_size = 16;
constexpr std::size_t password_key_size = 16;  // AES-128-CBC

// Text and attribute values, escaped for XML: every value a token holds goes through here.
std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string element(std::string_view indent, std::string_view name, std::string_view text) {
    return std::string(indent) + "<pskc:" + std::string(name) + ">" + xml_escape(text) +
           "</pskc:" + std::string(name) + ">\n";
}

std::string plain_data(std::string_view name, std::string_view value) {
    return "    <pskc:" + std::string(name) + "><pskc:PlainValue>" + std::string(value) +
           "</pskc:PlainValue></pskc:" + std::string(name) + ">\n";
}

std::string cipher_data(crypto::Cipher cipher, std::span<const std::uint8_t> value,
                        std::string_view indent) {
    const std::string in(indent);
    return in + "<xenc:EncryptionMethod Algorithm=\"" + crypto::cipher_uri(cipher) + "\"/>\n" + in +
           "<xenc:CipherData>\n" + in + " <xenc:CipherValue>" + crypto::base64_encode(value) +
           "</xenc:CipherValue>\n" + in + "</xenc:CipherData>\n";
}

struct Protection {
    crypto::Cipher cipher = crypto::Cipher::aes128_cbc;
    std::string encryption_key_xml;  // the EncryptionKey element: a key name or a DerivedKey
    Secret key;
};

Result<crypto::Cipher> cipher_for_key(const Secret& key) {
    switch (key.size()) {
        case 16:
            return crypto::Cipher::aes128_cbc;
        case 24:
            return crypto::Cipher::aes192_cbc;
        case 32:
            return crypto::Cipher::aes256_cbc;
        default:
            return fail(ErrorCode::invalid_input,
                        "the pre-shared key is " + std::to_string(key.size()) +
                            " bytes (accepted: 16, 24 or 32 bytes for AES-128, -192 or -256)");
    }
}

Result<Protection> pre_shared(const Secret& key) {
    Protection p;
    HWTOTP_ASSIGN_OR_RETURN(p.cipher, cipher_for_key(key));
    p.key = key.clone();
    p.encryption_key_xml =
        " <pskc:EncryptionKey>\n  <ds:KeyName>Pre-shared-key</ds:KeyName>\n"
        " </pskc:EncryptionKey>\n";
    return p;
}

Result<Protection> derived(const Secret& password, std::uint64_t iterations) {
    if (iterations < 1 || iterations > static_cast<std::uint64_t>(max_pbkdf2_iterations)) {
        return fail(ErrorCode::invalid_input, "PBKDF2 iteration count " +
                                                  std::to_string(iterations) + " (accepted: 1 to " +
                                                  std::to_string(max_pbkdf2_iterations) + ")");
    }
    std::array<std::uint8_t, salt_size> salt{};
    HWTOTP_TRY(crypto::random_bytes(salt));
    Protection p;
    p.cipher = crypto::Cipher::aes128_cbc;
    HWTOTP_ASSIGN_OR_RETURN(
        p.key, crypto::pbkdf2(password, salt, iterations, password_key_size, "SHA256"));
    p.encryption_key_xml =
        " <pskc:EncryptionKey>\n  <xenc11:DerivedKey>\n"
        "   <xenc11:KeyDerivationMethod Algorithm=\"" +
        std::string(pbkdf2_uri) + "\">\n    <pkcs5:PBKDF2-params>\n     <Salt><Specified>" +
        crypto::base64_encode(salt) + "</Specified></Salt>\n     <IterationCount>" +
        std::to_string(iterations) + "</IterationCount>\n     <KeyLength>" +
        std::to_string(password_key_size) + "</KeyLength>\n     <PRF Algorithm=\"" +
        std::string(hmac_sha256_uri) +
        "\"/>\n    </pkcs5:PBKDF2-params>\n   </xenc11:KeyDerivationMethod>\n"
        "   <xenc11:MasterKeyName>hwtotp export</xenc11:MasterKeyName>\n"
        "  </xenc11:DerivedKey>\n </pskc:EncryptionKey>\n";
    return p;
}

// Seals each Secret: encrypted, then MACed over IV || ciphertext.
struct Sealer {
    crypto::Cipher cipher;
    crypto::ValueEncryptor encryptor;
    crypto::Hmac mac;
};

class PskcWriter final : public ExportWriter {
  public:
    explicit PskcWriter(std::string header, std::optional<Sealer> sealer)
        : header_(std::move(header)), sealer_(std::move(sealer)) {}

    // XML 1.0 has no way to write a control character, even as a character reference.
    [[nodiscard]] std::string refusal(const TokenInfo& token) const override {
        const auto& d = token.description;
        for (const auto& [field, value] :
             {std::pair<std::string_view, std::string_view>{"label", d.label},
              {"issuer", d.issuer},
              {"manufacturer", d.manufacturer},
              {"owner", d.owner}}) {
            if (auto problem = free_text_problem(field, value); !problem.empty())
                return problem;
        }
        return {};
    }

    [[nodiscard]] bool carries_offset() const override { return true; }

    Result<void> begin(const std::vector<TokenInfo>& /*tokens*/, ExportFile& out) override {
        return out.write(header_);
    }

    Result<void> write(const Token& token, ExportFile& out) override {
        const TokenDescription& d = token.info.description;
        std::string xml = " <pskc:KeyPackage>\n  <pskc:DeviceInfo>\n";
        if (!d.manufacturer.empty())
            xml += element("   ", "Manufacturer", d.manufacturer);
        xml += element("   ", "SerialNo", d.serial);
        xml += "  </pskc:DeviceInfo>\n  <pskc:Key Id=\"" + xml_escape(d.serial) +
               "\" Algorithm=\"urn:ietf:params:xml:ns:keyprov:pskc:" +
               std::string(otp_type_name(d.type)) + "\">\n";
        if (!d.issuer.empty())
            xml += element("   ", "Issuer", d.issuer);
        xml += "   <pskc:AlgorithmParameters>\n    <pskc:Suite>" + hmac_label(d.params.hash()) +
               "</pskc:Suite>\n    <pskc:ResponseFormat Length=\"" +
               std::to_string(d.params.digits()) +
               "\" Encoding=\"DECIMAL\"/>\n   </pskc:AlgorithmParameters>\n";
        if (!d.label.empty())
            xml += element("   ", "FriendlyName", d.label);
        xml += "   <pskc:Data>\n";
        HWTOTP_TRY(out.write(xml));
        HWTOTP_TRY(write_secret(token.seed, out));
        xml.clear();
        if (d.type == OtpType::hotp || d.counter != 0)
            xml += plain_data("Counter", std::to_string(d.counter));
        if (d.type == OtpType::totp || d.params.t0() != 0 || d.params.period() != 30 ||
            token.info.state.offset_steps != 0) {
            xml += plain_data("Time", std::to_string(d.params.t0()));
            xml += plain_data("TimeInterval", std::to_string(d.params.period()));
            xml += plain_data("TimeDrift", std::to_string(token.info.state.offset_steps));
        }
        xml += "   </pskc:Data>\n";
        if (!d.owner.empty())
            xml += element("   ", "UserId", d.owner);
        xml += "  </pskc:Key>\n </pskc:KeyPackage>\n";
        return out.write(xml);
    }

    Result<void> end(ExportFile& out) override { return out.write("</pskc:KeyContainer>\n"); }

  private:
    Result<void> write_secret(const Secret& seed, ExportFile& out) {
        if (!sealer_) {
            SeedText value(crypto::base64_encode(seed.expose()));
            HWTOTP_TRY(out.write("    <pskc:Secret>\n     <pskc:PlainValue>"));
            HWTOTP_TRY(out.write(value.text()));
            return out.write("</pskc:PlainValue>\n    </pskc:Secret>\n");
        }
        HWTOTP_ASSIGN_OR_RETURN(const auto encrypted, sealer_->encryptor.encrypt(seed.expose()));
        HWTOTP_ASSIGN_OR_RETURN(const auto mac, sealer_->mac.mac(encrypted));
        return out.write("    <pskc:Secret>\n     <pskc:EncryptedValue>\n" +
                         cipher_data(sealer_->cipher, encrypted, "      ") +
                         "     </pskc:EncryptedValue>\n     <pskc:ValueMAC>" +
                         crypto::base64_encode(mac) + "</pskc:ValueMAC>\n    </pskc:Secret>\n");
    }

    std::string header_;
    std::optional<Sealer> sealer_;
};

constexpr std::string_view container_open =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<pskc:KeyContainer Version=\"1.0\" xmlns:pskc=\"urn:ietf:params:xml:ns:keyprov:pskc\""
    " xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\""
    " xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\""
    " xmlns:xenc11=\"http://www.w3.org/2009/xmlenc11#\""
    " xmlns:pkcs5=\"http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#\">\n";

}  // namespace

Result<std::unique_ptr<ExportWriter>> make_pskc_writer(const PskcProtection& protection) {
    const int given =
        int{!protection.key.empty()} + int{!protection.password.empty()} + int{protection.plain};
    if (given != 1) {
        return fail(ErrorCode::invalid_input,
                    given == 0 ? "PSKC seeds need a pre-shared key or a password to be encrypted "
                                 "with, or an explicit request for plaintext"
                               : "PSKC seeds are protected one way: a pre-shared key, a password "
                                 "or plaintext, not several");
    }
    if (protection.plain)
        return std::make_unique<PskcWriter>(std::string(container_open), std::nullopt);
    Result<Protection> p = protection.key.empty()
                               ? derived(protection.password, protection.pbkdf2_iterations)
                               : pre_shared(protection.key);
    if (!p)
        return tl::unexpected(p.error());
    HWTOTP_ASSIGN_OR_RETURN(auto encryptor, crypto::ValueEncryptor::create(p->cipher, p->key));
    Secret mac_key = Secret::zeroed(mac_key_size);
    HWTOTP_TRY(crypto::random_bytes(mac_key.mutable_bytes()));
    HWTOTP_ASSIGN_OR_RETURN(const auto sealed_mac_key, encryptor.encrypt(mac_key.expose()));
    HWTOTP_ASSIGN_OR_RETURN(auto mac, crypto::Hmac::create("SHA256", mac_key));
    std::string header = std::string(container_open) + p->encryption_key_xml +
                         " <pskc:MACMethod Algorithm=\"" + std::string(hmac_sha256_uri) +
                         "\">\n  <pskc:MACKey>\n" + cipher_data(p->cipher, sealed_mac_key, "   ") +
                         "  </pskc:MACKey>\n </pskc:MACMethod>\n";
    return std::make_unique<PskcWriter>(std::move(header),
                                        Sealer{p->cipher, std::move(encryptor), std::move(mac)});
}

}  // namespace hwtotp::store
