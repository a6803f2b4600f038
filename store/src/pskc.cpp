// PSKC (RFC 6030) reader: the only file that includes pugixml.
//
// Elements are matched by local name (prefixes vary between vendors: pskc:, none, odd ones).
// Order of checks for an encrypted value: base64 decode, ValueMAC over IV||ciphertext compared
// in constant time, then decryption. Nothing decrypted is used before its MAC has verified.

#include <pugixml.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <string>

#include "crypto.h"
#include "file_util.h"
#include "hwtotp/store/import.h"
#include "hwtotp/totp/codec.h"
#include "pskc_chunker.h"
#include "text_util.h"

namespace hwtotp::store {
namespace {

// The part of a qualified name after its prefix.
const char* local_part(const char* qname) {
    const char* colon = std::strchr(qname, ':');
    return colon == nullptr ? qname : colon + 1;
}

std::string_view local_name(const pugi::xml_node& node) {
    return local_part(node.name());
}

// The first child element with this local name. A package is looked up about twenty times:
// the names are compared in place, without measuring them first.
pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element)
            continue;
        const char* local = local_part(c.name());
        if (std::strncmp(local, name.data(), name.size()) == 0 && local[name.size()] == '\0')
            return c;
    }
    return {};
}

std::string_view child_text(const pugi::xml_node& parent, std::string_view name) {
    return text::trim(child(parent, name).child_value());
}

// Attribute by local name (Encoding vs Format is handled by the caller).
std::string_view attribute(const pugi::xml_node& node, std::string_view name) {
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
        std::string_view n = a.name();
        if (const auto colon = n.find(':'); colon != std::string_view::npos)
            n = n.substr(colon + 1);
        if (n == name)
            return a.value();
    }
    return {};
}

// The last component of a URI or URN: after the last '#', ':' or '/'.
std::string uri_tail(std::string_view uri) {
    const auto cut = uri.find_last_of("#:/");
    return text::lower(cut == std::string_view::npos ? uri : uri.substr(cut + 1));
}

// "hmac-sha256" / "HMAC-SHA-256" / "sha256" -> "SHA256".
Result<std::string> digest_from_uri(std::string_view uri, std::string_view what) {
    std::string tail = uri_tail(uri);
    if (tail.starts_with("hmac-"))
        tail = tail.substr(5);
    std::string compact;
    for (char c : tail) {
        if (c != '-')
            compact.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    for (const char* known : {"SHA1", "SHA224", "SHA256", "SHA384", "SHA512"}) {
        if (compact == known)
            return compact;
    }
    return fail(ErrorCode::invalid_input,
                "unsupported " + std::string(what) + " '" + std::string(uri) +
                    "' (accepted: HMAC-SHA1, -SHA224, -SHA256, -SHA384, -SHA512)");
}

// Everything needed to open the encrypted values of one container, set up once.
class Opener {
  public:
    Opener(const pugi::xml_node& container, const PskcKeys& keys)
        : container_(container), keys_(keys) {}

    // The value of a Data child (Secret, Counter...) as bytes: base64 PlainValue, or
    // EncryptedValue checked against ValueMAC and decrypted. nullopt when absent.
    Result<std::optional<Secret>> value(const pugi::xml_node& element) {
        if (!element)
            return std::optional<Secret>{};
        if (const auto plain = child(element, "PlainValue")) {
            auto decoded = base64_decode_secret(text::trim(plain.child_value()));
            if (!decoded) {
                return fail(
                    ErrorCode::invalid_input,
                    std::string(local_name(element)) + " PlainValue: " + decoded.error().message);
            }
            return std::optional<Secret>(std::move(*decoded));
        }
        const auto encrypted = child(element, "EncryptedValue");
        if (!encrypted)
            return std::optional<Secret>{};
        auto opened = open(encrypted, child(element, "ValueMAC"), local_name(element));
        if (!opened)
            return tl::unexpected(opened.error());
        return std::optional<Secret>(std::move(*opened));
    }

  private:
    Result<Secret> open(const pugi::xml_node& encrypted, const pugi::xml_node& value_mac,
                        std::string_view what) {
        const std::string name(what);
        const std::string_view algorithm =
            attribute(child(encrypted, "EncryptionMethod"), "Algorithm");
        if (algorithm.empty())
            return fail(ErrorCode::invalid_input, "encrypted " + name + " names no algorithm");
        auto cipher = crypto::parse_cipher_uri(algorithm);
        if (!cipher)
            return tl::unexpected(cipher.error());
        auto data = base64_decode(child_text(child(encrypted, "CipherData"), "CipherValue"));
        if (!data)
            return fail(ErrorCode::invalid_input,
                        "encrypted " + name + ": " + data.error().message);
        if (data->empty())
            return fail(ErrorCode::invalid_input, "encrypted " + name + " has no CipherValue");
        auto decryptor = decryptor_for(*cipher);
        if (!decryptor)
            return tl::unexpected(decryptor.error());
        if (value_mac) {
            auto mac = mac_for();
            if (!mac)
                return tl::unexpected(mac.error());
            auto expected = base64_decode(value_mac.child_value());
            if (!expected)
                return fail(ErrorCode::invalid_input,
                            name + " ValueMAC: " + expected.error().message);
            auto actual = (*mac)->mac(*data);
            if (!actual)
                return tl::unexpected(actual.error());
            if (!crypto::equal(*actual, *expected)) {
                return fail(ErrorCode::crypto,
                            "wrong key or password (the " + name + " ValueMAC does not match)");
            }
        } else if (crypto::cipher_is_cbc(*cipher)) {
            return fail(ErrorCode::crypto,
                        "encrypted " + name +
                            " has no ValueMAC; refusing to decrypt an unauthenticated value");
        }
        auto plain = (*decryptor)->decrypt(*data);
        if (!plain)
            return tl::unexpected(plain.error());
        return plain;
    }

    Result<const Secret*> encryption_key() {
        if (key_)
            return &*key_;
        const auto enc = child(container_, "EncryptionKey");
        const auto derived = child(enc, "DerivedKey");
        const std::string key_name(child_text(enc, "KeyName"));
        if (!keys_.key.empty()) {
            key_ = keys_.key.clone();
            return &*key_;
        }
        if (keys_.password.empty()) {
            if (derived) {
                const std::string master(child_text(derived, "MasterKeyName"));
                return fail(ErrorCode::invalid_input,
                            "the file is encrypted with a password" +
                                (master.empty() ? std::string() : " ('" + master + "')") +
                                ": pass --password-file PATH");
            }
            return fail(ErrorCode::invalid_input,
                        "the file is encrypted with a pre-shared key" +
                            (key_name.empty() ? std::string() : " ('" + key_name + "')") +
                            ": pass --key-file PATH");
        }
        if (!derived) {
            return fail(ErrorCode::invalid_input,
                        "the file uses a pre-shared key, not a password: pass --key-file PATH");
        }
        const auto method = child(derived, "KeyDerivationMethod");
        const std::string_view method_uri = attribute(method, "Algorithm");
        if (uri_tail(method_uri) != "pbkdf2") {
            return fail(
                ErrorCode::invalid_input,
                "unsupported key derivation '" + std::string(method_uri) + "' (accepted: PBKDF2)");
        }
        const auto params = child(method, "PBKDF2-params");
        if (!params)
            return fail(ErrorCode::invalid_input,
                        "incomplete PBKDF2 parameters (no PBKDF2-params)");
        auto salt = base64_decode(child_text(child(params, "Salt"), "Specified"));
        if (!salt || salt->empty())
            return fail(ErrorCode::invalid_input, "incomplete PBKDF2 parameters (no Salt)");
        auto iterations = text::parse_int(child_text(params, "IterationCount"), "IterationCount");
        if (!iterations)
            return tl::unexpected(iterations.error());
        if (*iterations < 1 || *iterations > max_pbkdf2_iterations) {
            // Refused before deriving: a hostile file could ask for hours of CPU.
            return fail(ErrorCode::invalid_input, "PBKDF2 IterationCount " +
                                                      std::to_string(*iterations) +
                                                      " is out of range (accepted: 1 to " +
                                                      std::to_string(max_pbkdf2_iterations) + ")");
        }
        std::size_t length = 0;
        if (const auto kl = child_text(params, "KeyLength"); !kl.empty()) {
            auto parsed = text::parse_int(kl, "KeyLength");
            if (!parsed)
                return tl::unexpected(parsed.error());
            if (*parsed < 1 || *parsed > 64)
                return fail(ErrorCode::invalid_input, "PBKDF2 KeyLength out of range (1..64)");
            length = static_cast<std::size_t>(*parsed);
        } else if (auto cipher = first_cipher(); cipher) {
            length = crypto::cipher_key_size(*cipher);
        } else {
            return fail(ErrorCode::invalid_input, "incomplete PBKDF2 parameters (no KeyLength)");
        }
        std::string prf = "SHA1";
        const auto prf_node = child(params, "PRF");
        std::string_view prf_uri = attribute(prf_node, "Algorithm");
        if (prf_uri.empty())
            prf_uri = text::trim(prf_node.child_value());
        if (!prf_uri.empty()) {
            auto digest = digest_from_uri(prf_uri, "PBKDF2 PRF");
            if (!digest)
                return tl::unexpected(digest.error());
            prf = *digest;
        }
        auto derived_key = crypto::pbkdf2(keys_.password, *salt,
                                          static_cast<std::uint64_t>(*iterations), length, prf);
        if (!derived_key)
            return tl::unexpected(derived_key.error());
        key_ = std::move(*derived_key);
        return &*key_;
    }

    // The cipher of the first encrypted value, to size a derived key without KeyLength.
    std::optional<crypto::Cipher> first_cipher() const {
        for (const auto& method :
             container_.select_nodes(".//*[local-name()='EncryptionMethod']")) {
            auto cipher = crypto::parse_cipher_uri(attribute(method.node(), "Algorithm"));
            if (cipher)
                return *cipher;
        }
        return std::nullopt;
    }

    Result<crypto::ValueDecryptor*> decryptor_for(crypto::Cipher cipher) {
        if (auto it = decryptors_.find(cipher); it != decryptors_.end())
            return &it->second;
        auto key = encryption_key();
        if (!key)
            return tl::unexpected(key.error());
        auto decryptor = crypto::ValueDecryptor::create(cipher, **key);
        if (!decryptor)
            return tl::unexpected(decryptor.error());
        return &decryptors_.emplace(cipher, std::move(*decryptor)).first->second;
    }

    Result<crypto::Hmac*> mac_for() {
        if (mac_)
            return &*mac_;
        const auto method = child(container_, "MACMethod");
        if (!method)
            return fail(ErrorCode::invalid_input,
                        "a ValueMAC is given but the file has no MACMethod");
        auto digest = digest_from_uri(attribute(method, "Algorithm"), "MAC algorithm");
        if (!digest)
            return tl::unexpected(digest.error());
        Secret mac_key;
        if (const auto mac_key_node = child(method, "MACKey")) {
            // The MAC key is encrypted with the container's encryption key, no MAC of its own:
            // a wrong key shows as a padding error here, or as a ValueMAC mismatch next.
            const std::string_view algorithm =
                attribute(child(mac_key_node, "EncryptionMethod"), "Algorithm");
            auto cipher = crypto::parse_cipher_uri(algorithm);
            if (!cipher)
                return tl::unexpected(cipher.error());
            auto data = base64_decode(child_text(child(mac_key_node, "CipherData"), "CipherValue"));
            if (!data || data->empty())
                return fail(ErrorCode::invalid_input, "MACKey has no valid CipherValue");
            auto decryptor = decryptor_for(*cipher);
            if (!decryptor)
                return tl::unexpected(decryptor.error());
            auto plain = (*decryptor)->decrypt(*data);
            if (!plain)
                return tl::unexpected(plain.error());
            mac_key = std::move(*plain);
        } else if (child(method, "MACKeyReference")) {
            return fail(ErrorCode::invalid_input,
                        "MACKeyReference (a MAC key agreed out of band) is not supported");
        } else {
            // Legacy files: no MACKey, the encryption key doubles as MAC key.
            auto key = encryption_key();
            if (!key)
                return tl::unexpected(key.error());
            mac_key = (*key)->clone();
        }
        auto mac = crypto::Hmac::create(*digest, mac_key);
        if (!mac)
            return tl::unexpected(mac.error());
        mac_.emplace(std::move(*mac));
        return &*mac_;
    }

    pugi::xml_node container_;
    const PskcKeys& keys_;
    std::optional<Secret> key_;
    std::map<crypto::Cipher, crypto::ValueDecryptor> decryptors_;
    std::optional<crypto::Hmac> mac_;
};

// An integer Data value: PlainValue text, or decrypted bytes (ASCII digits or big-endian).
Result<std::optional<std::int64_t>> integer_value(Opener& opener, const pugi::xml_node& data,
                                                  std::string_view name) {
    const auto element = child(data, name);
    if (!element)
        return std::optional<std::int64_t>{};
    // A plain integer (TimeInterval 30, Counter 0) is not key material: parsed from the text.
    if (const auto plain = child(element, "PlainValue")) {
        auto parsed = text::parse_int(text::trim(plain.child_value()), name);
        if (!parsed)
            return tl::unexpected(parsed.error());
        return std::optional<std::int64_t>(*parsed);
    }
    auto bytes = opener.value(element);
    if (!bytes)
        return tl::unexpected(bytes.error());
    if (!*bytes)
        return std::optional<std::int64_t>{};
    const auto raw = (*bytes)->expose();
    const std::string_view as_text(reinterpret_cast<const char*>(raw.data()), raw.size());
    bool digits = !raw.empty();
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = as_text[i];
        if (!(std::isdigit(static_cast<unsigned char>(c)) != 0 || (i == 0 && c == '-') ||
              std::isspace(static_cast<unsigned char>(c)) != 0))
            digits = false;
    }
    if (digits) {
        auto parsed = text::parse_int(as_text, name);
        if (!parsed)
            return tl::unexpected(parsed.error());
        return std::optional<std::int64_t>(*parsed);
    }
    if (raw.size() > 8)
        return fail(ErrorCode::invalid_input, std::string(name) + " is longer than 8 bytes");
    std::uint64_t value = 0;
    for (std::uint8_t b : raw)
        value = (value << 8) | b;
    return std::optional<std::int64_t>(static_cast<std::int64_t>(value));
}

Result<NewToken> read_package(const pugi::xml_node& package, Opener& opener,
                              std::string_view source, std::string& serial_out) {
    NewToken token;
    TokenDescription& d = token.description;
    d.source = std::string(source);
    const auto device = child(package, "DeviceInfo");
    d.manufacturer = std::string(child_text(device, "Manufacturer"));
    const auto key = child(package, "Key");
    if (!key)
        return fail(ErrorCode::invalid_input, "no Key element");
    d.serial = std::string(child_text(device, "SerialNo"));
    if (d.serial.empty())
        d.serial = std::string(text::trim(attribute(key, "Id")));
    serial_out = d.serial;
    if (d.serial.empty())
        return fail(ErrorCode::invalid_input, "no DeviceInfo/SerialNo and no Key Id");

    const std::string_view algorithm = attribute(key, "Algorithm");
    const std::string kind = uri_tail(algorithm);
    if (kind == "totp") {
        d.type = OtpType::totp;
    } else if (kind == "hotp") {
        d.type = OtpType::hotp;
    } else {
        return fail(ErrorCode::invalid_input,
                    algorithm.empty() ? std::string("the Key has no Algorithm")
                                      : "unsupported algorithm '" + std::string(algorithm) +
                                            "' (hwtotp imports HOTP and TOTP keys)");
    }
    d.issuer = std::string(child_text(key, "Issuer"));
    d.label = std::string(child_text(key, "FriendlyName"));

    Hash hash = Hash::sha1;
    int digits = 6;
    const auto params = child(key, "AlgorithmParameters");
    if (const auto suite = child_text(params, "Suite"); !suite.empty()) {
        auto parsed = parse_hash(suite);
        if (!parsed)
            return fail(ErrorCode::invalid_input, "unsupported Suite '" + std::string(suite) + "'");
        hash = *parsed;
    }
    if (const auto format = child(params, "ResponseFormat")) {
        std::string_view encoding = attribute(format, "Encoding");
        if (encoding.empty())
            encoding = attribute(format, "Format");
        if (!encoding.empty() && !text::iequals(encoding, "DECIMAL")) {
            return fail(ErrorCode::invalid_input, "ResponseFormat Encoding '" +
                                                      std::string(encoding) +
                                                      "' is not supported (DECIMAL only)");
        }
        auto length = text::parse_int(attribute(format, "Length"), "ResponseFormat Length");
        if (!length)
            return tl::unexpected(length.error());
        if (*length < Params::min_digits || *length > Params::max_digits) {
            return fail(ErrorCode::invalid_input, "ResponseFormat Length " +
                                                      std::to_string(*length) +
                                                      " is not supported (6, 7 or 8 digits)");
        }
        digits = static_cast<int>(*length);
    }

    const auto data = child(key, "Data");
    auto seed = opener.value(child(data, "Secret"));
    if (!seed)
        return tl::unexpected(seed.error());
    if (!*seed || (*seed)->empty()) {
        return fail(ErrorCode::invalid_input,
                    "the Key has no Secret (keys held by reference cannot be imported)");
    }
    token.seed = std::move(**seed);

    std::int64_t period = 30;
    std::int64_t t0 = 0;
    for (const char* name : {"Counter", "Time", "TimeInterval", "TimeDrift"}) {
        auto value = integer_value(opener, data, name);
        if (!value)
            return tl::unexpected(value.error());
        if (!*value)
            continue;
        const std::string_view n = name;
        if (n == "Counter") {
            if (**value < 0)
                return fail(ErrorCode::invalid_input, "Counter is negative");
            d.counter = static_cast<std::uint64_t>(**value);
        } else if (n == "Time") {
            t0 = **value;
        } else if (n == "TimeInterval") {
            period = **value;
        } else {
            d.offset_steps = **value;
        }
    }
    auto p = Params::create(hash, digits, period, t0);
    if (!p)
        return tl::unexpected(p.error());
    d.params = *p;
    return token;
}

}  // namespace

namespace {

Result<std::size_t> read_pieces(PskcChunker& chunker, std::uint64_t total_bytes,
                                std::string_view source, const PskcKeys& keys,
                                const ImportCallbacks& callbacks) {
    const std::string src(source);
    auto first = chunker.next();
    if (!first)
        return fail(first.error().code, src + ": " + first.error().message);
    if (first->kind != PskcChunker::Kind::header)
        return fail(ErrorCode::invalid_input, src + ": not a PSKC file (no <KeyContainer>)");

    pugi::xml_document header;
    const auto parsed_header =
        header.load_buffer(first->text.data(), first->text.size(), pugi::parse_default);
    if (!parsed_header) {
        return fail(
            ErrorCode::invalid_input,
            src + ": not well-formed XML at byte " +
                std::to_string(first->offset + static_cast<std::uint64_t>(parsed_header.offset)) +
                ": " + parsed_header.description());
    }
    const pugi::xml_node container = header.document_element();
    if (const auto version = attribute(container, "Version"); !version.empty()) {
        const auto dot = version.find('.');
        auto major = text::parse_int(version.substr(0, dot), "Version");
        if (!major || *major != 1) {
            return fail(ErrorCode::invalid_input, src + ": PSKC version '" + std::string(version) +
                                                      "' is not supported (1.x)");
        }
    }
    if (child(child(container, "EncryptionKey"), "X509Data")) {
        return fail(ErrorCode::invalid_input,
                    src +
                        ": asymmetric (X.509) encryption is not supported; ask the vendor for "
                        "a pre-shared key or password file");
    }

    Opener opener(container, keys);
    pugi::xml_document package_doc;  // reused: one KeyPackage in memory at a time
    std::size_t index = 0;
    for (;;) {
        auto piece = chunker.next();
        if (!piece)
            return fail(piece.error().code, src + ": " + piece.error().message);
        if (piece->kind == PskcChunker::Kind::end)
            break;
        ++index;
        const std::string what = "KeyPackage " + std::to_string(index);
        const auto parsed = package_doc.load_buffer_inplace(piece->text.data(), piece->text.size(),
                                                            pugi::parse_default);
        if (!parsed) {
            return fail(
                ErrorCode::invalid_input,
                src + ": " + what + ": not well-formed XML at byte " +
                    std::to_string(piece->offset + static_cast<std::uint64_t>(parsed.offset)) +
                    ": " + parsed.description());
        }
        std::string serial;
        auto token = read_package(package_doc.document_element(), opener, source, serial);
        if (!token) {
            const std::string prefix =
                serial.empty() ? what + ": " : what + " (serial " + serial + "): ";
            return fail(token.error().code, prefix + token.error().message);
        }
        if (auto ok = callbacks.sink(std::move(*token), what); !ok)
            return tl::unexpected(ok.error());
        if (callbacks.progress && index % 256 == 0)
            callbacks.progress(static_cast<std::size_t>(chunker.bytes_read()),
                               static_cast<std::size_t>(total_bytes));
    }
    if (index == 0)
        return fail(ErrorCode::invalid_input, src + ": no KeyPackage in the file");
    if (callbacks.progress)
        callbacks.progress(static_cast<std::size_t>(total_bytes),
                           static_cast<std::size_t>(total_bytes));
    return index;
}

}  // namespace

Result<std::size_t> read_pskc(std::string_view xml, std::string_view source, const PskcKeys& keys,
                              const ImportCallbacks& callbacks) {
    std::size_t offset = 0;
    PskcChunker chunker([&](std::span<char> out) -> Result<std::size_t> {
        const std::size_t n = std::min(out.size(), xml.size() - offset);
        std::copy_n(xml.data() + offset, n, out.data());
        offset += n;
        return n;
    });
    return read_pieces(chunker, xml.size(), source, keys, callbacks);
}

Result<std::size_t> read_pskc_file(const std::string& path, const PskcKeys& keys,
                                   const ImportCallbacks& callbacks) {
    auto file = files::open_for_reading(path);
    if (!file)
        return tl::unexpected(file.error());
    const std::uint64_t size = file->size();
    PskcChunker chunker([&](std::span<char> out) { return file->read(out); });
    return read_pieces(chunker, size, path, keys, callbacks);
}

}  // namespace hwtotp::store
