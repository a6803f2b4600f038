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
#include <string_view>

#include "crypto.h"
#include "export_writer.h"
#include "hwtotp/store/import.h"
#include "pskc_key_package.h"
#include "render_in_two.h"

namespace hwtotp::store {
namespace {

using std::string_view_literals::operator""sv;

constexpr std::string_view hmac_sha256_uri = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256";
constexpr std::string_view pbkdf2_uri =
    "http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#pbkdf2";
constexpr std::size_t mac_key_size = 32;
constexpr std::size_t salt_size = 16;
constexpr std::size_t password_key_size = 16;  // AES-128-CBC

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

Result<void> check_iterations(std::uint64_t iterations) {
    if (iterations < 1 || iterations > static_cast<std::uint64_t>(max_pbkdf2_iterations)) {
        return fail(ErrorCode::invalid_input, "PBKDF2 iteration count " +
                                                  std::to_string(iterations) + " (accepted: 1 to " +
                                                  std::to_string(max_pbkdf2_iterations) + ")");
    }
    return {};
}

// The key from the password: PBKDF2, the slow step of an export (prepare()).
Result<Protection> derived(const Secret& password, std::uint64_t iterations) {
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

// Tokens written together (those read while the key was derived) are sealed on two threads in
// chunks of this many once there are two chunks: ~256 KiB of text a chunk.
constexpr std::size_t parallel_chunk = 256;

// The file's header and the sealer for `protection` (checked by make_pskc_writer). With a
// password this derives the key: the slow step, done in prepare().
struct Setup {
    std::string header;
    std::optional<pskc_xml::Sealer> sealer;
};
Result<Setup> set_up(const PskcProtection& protection);

class PskcWriter final : public ExportWriter {
  public:
    explicit PskcWriter(PskcProtection protection) : protection_(std::move(protection)) {}

    [[nodiscard]] bool slow_to_prepare() const override { return !protection_.password.empty(); }

    Result<void> prepare() override {
        HWTOTP_ASSIGN_OR_RETURN(Setup setup, set_up(protection_));
        header_ = std::move(setup.header);
        sealer_ = std::move(setup.sealer);
        protection_ = PskcProtection{};  // the password or key copy, wiped now it is used
        return {};
    }

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

    Result<void> begin(const ExportOverview& /*overview*/, ExportFile& out) override {
        return out.write(header_);
    }

    // One KeyPackage, built in a buffer kept from token to token (no allocation per element)
    // and written in one piece; a plain seed never enters it (write_plain).
    Result<void> write(const Token& token, ExportFile& out) override {
        if (!sealer_)
            return write_plain(token, out);
        xml_.clear();
        HWTOTP_TRY(pskc_xml::append_sealed_package(xml_, token, *sealer_));
        return out.write(xml_);
    }

    // Encrypted, and enough of them: half the chunks sealed on a second thread with a sealer of
    // its own (the same keys), the file still written in order by this one.
    Result<void> write_all(std::span<const Token> tokens, ExportFile& out) override {
        if (!sealer_ || tokens.size() < 2 * parallel_chunk)
            return ExportWriter::write_all(tokens, out);
        HWTOTP_ASSIGN_OR_RETURN(pskc_xml::Sealer helper, sealer_->clone());
        RenderInTwo job;
        job.count = tokens.size();
        job.chunk = parallel_chunk;
        job.write_here = [&](std::size_t i) { return write(tokens[i], out); };
        job.render_there = [&](std::size_t i, std::string& into) {
            return pskc_xml::append_sealed_package(into, tokens[i], helper);
        };
        job.write_rendered = [&](std::string_view rendered) { return out.write(rendered); };
        return render_in_two(job);
    }

    Result<void> end(ExportFile& out) override { return out.write("</pskc:KeyContainer>\n"); }

  private:
    // Plaintext: the KeyPackage up to the value is written, then the seed's text straight to
    // the file from storage that is wiped, then the rest.
    Result<void> write_plain(const Token& token, ExportFile& out) {
        xml_.clear();
        pskc_xml::append_package_start(xml_, token);
        xml_ += "    <pskc:Secret>\n     <pskc:PlainValue>"sv;
        HWTOTP_TRY(out.write(xml_));
        {
            SeedText value(crypto::base64_encode(token.seed.expose()));
            HWTOTP_TRY(out.write(value.text()));
        }
        xml_.clear();
        xml_ += "</pskc:PlainValue>\n    </pskc:Secret>\n"sv;
        pskc_xml::append_package_end(xml_, token);
        return out.write(xml_);
    }

    PskcProtection protection_;  // until prepare()
    std::string header_;
    std::optional<pskc_xml::Sealer> sealer_;
    std::string xml_;  // the KeyPackage being written: no seed in it
};

constexpr std::string_view container_open =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<pskc:KeyContainer Version=\"1.0\" xmlns:pskc=\"urn:ietf:params:xml:ns:keyprov:pskc\""
    " xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\""
    " xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\""
    " xmlns:xenc11=\"http://www.w3.org/2009/xmlenc11#\""
    " xmlns:pkcs5=\"http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#\">\n";

Result<Setup> set_up(const PskcProtection& protection) {
    if (protection.plain)
        return Setup{std::string(container_open), std::nullopt};
    Result<Protection> p = protection.key.empty()
                               ? derived(protection.password, protection.pbkdf2_iterations)
                               : pre_shared(protection.key);
    if (!p)
        return tl::unexpected(p.error());
    HWTOTP_ASSIGN_OR_RETURN(auto encryptor, crypto::ValueEncryptor::create(p->cipher, p->key));
    Secret mac_key = Secret::zeroed(mac_key_size);
    HWTOTP_TRY(crypto::random_bytes(mac_key.mutable_bytes()));
    std::vector<std::uint8_t> sealed_mac_key;
    HWTOTP_TRY(encryptor.encrypt(mac_key.expose(), sealed_mac_key));
    HWTOTP_ASSIGN_OR_RETURN(auto mac, crypto::Hmac::create("SHA256", mac_key));
    std::string header = std::string(container_open) + p->encryption_key_xml +
                         " <pskc:MACMethod Algorithm=\"" + std::string(hmac_sha256_uri) +
                         "\">\n  <pskc:MACKey>\n" +
                         pskc_xml::cipher_data(p->cipher, sealed_mac_key, "   ") +
                         "  </pskc:MACKey>\n </pskc:MACMethod>\n";
    return Setup{std::move(header),
                 pskc_xml::Sealer{p->cipher, std::move(encryptor), std::move(mac), {}, {}}};
}

}  // namespace

// Everything a caller can get wrong is refused here, before any file exists; prepare() then
// only fails on what cannot be foreseen (the system's random source, OpenSSL).
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
    if (!protection.password.empty())
        HWTOTP_TRY(check_iterations(protection.pbkdf2_iterations));
    if (!protection.key.empty())
        HWTOTP_TRY(cipher_for_key(protection.key));
    PskcProtection copy;
    copy.key = protection.key.clone();
    copy.password = protection.password.clone();
    copy.plain = protection.plain;
    copy.pbkdf2_iterations = protection.pbkdf2_iterations;
    return std::make_unique<PskcWriter>(std::move(copy));
}

}  // namespace hwtotp::store
