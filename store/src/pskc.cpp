// PSKC (RFC 6030) reader, and the layout of the pre-RFC drafts that products still export
// (SecretContainer or KeyContainer with Device, DeviceId, KeyId/KeyAlgorithm, Usage,
// <Data Name="SECRET"><Value>, a container-wide EncryptionMethod with IV and DigestMethod).
//
// Elements are matched by local name (prefixes vary between vendors: pskc:, none, odd ones).
// Order of checks for an encrypted value: base64 decode, ValueMAC over IV||ciphertext compared
// in constant time, then decryption; a MAC that does not cover the ciphertext is tried against
// the plaintext (the drafts' way) before the key is called wrong. Nothing decrypted is used
// before a MAC over it or its ciphertext has verified.

#include <pugixml.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crypto.h"
#include "file_util.h"
#include "hwtotp/store/hints.h"
#include "hwtotp/store/import.h"
#include "hwtotp/totp/codec.h"
#include "import_skip.h"
#include "pskc_chunker.h"
#include "pskc_policy.h"
#include "text_util.h"
#include "vendor_record.h"
#include "xml_names.h"

namespace hwtotp::store {
namespace {

using xml::child;
using xml::local_name;
using xml::local_part;

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

// The first of these attributes that is present (the drafts spell some in lower case).
std::string_view any_attribute(const pugi::xml_node& node,
                               std::initializer_list<std::string_view> names) {
    for (const auto name : names) {
        if (const auto value = attribute(node, name); !value.empty())
            return value;
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
    Opener(const pugi::xml_node& container, const PskcKeys& keys, const ImportCallbacks& callbacks)
        : container_(container), keys_(keys), callbacks_(callbacks) {}

    // The value of a Data child (Secret, Counter...) as bytes: base64 PlainValue, or
    // EncryptedValue checked against ValueMAC and decrypted, or the drafts' Value checked
    // against ValueDigest. nullopt when absent.
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
        if (const auto encrypted = child(element, "EncryptedValue")) {
            HWTOTP_ASSIGN_OR_RETURN(
                auto opened, open(encrypted, child(element, "ValueMAC"), local_name(element)));
            return std::optional<Secret>(std::move(opened));
        }
        if (const auto draft = child(element, "Value")) {
            // <Data Name="SECRET">: name the value as the file does.
            const std::string name(local_name(element) == "Data" ? attribute(element, "Name")
                                                                 : local_name(element));
            HWTOTP_ASSIGN_OR_RETURN(auto opened,
                                    open_draft_value(draft, child(element, "ValueDigest"), name));
            return std::optional<Secret>(std::move(opened));
        }
        return std::optional<Secret>{};
    }

  private:
    Result<Secret> open(const pugi::xml_node& encrypted, const pugi::xml_node& value_mac,
                        std::string_view what) {
        const std::string name(what);
        const std::string_view algorithm =
            attribute(child(encrypted, "EncryptionMethod"), "Algorithm");
        if (algorithm.empty())
            return fail(ErrorCode::invalid_input, "encrypted " + name + " names no algorithm");
        HWTOTP_ASSIGN_OR_RETURN(const crypto::Cipher cipher, crypto::parse_cipher_uri(algorithm));
        auto data = base64_decode(child_text(child(encrypted, "CipherData"), "CipherValue"));
        if (!data)
            return fail(ErrorCode::invalid_input,
                        "encrypted " + name + ": " + data.error().message);
        if (data->empty())
            return fail(ErrorCode::invalid_input, "encrypted " + name + " has no CipherValue");
        return authenticate_and_decrypt(cipher, *data, value_mac, name);
    }

    // The drafts' <Value> (with <ValueDigest>): plain base64, or encrypted with the cipher the
    // container's own EncryptionMethod names, its IV given there once for the whole file (as
    // ActivIdentity files do) or prepended to each value; the MAC key is the encryption key.
    Result<Secret> open_draft_value(const pugi::xml_node& value, const pugi::xml_node& digest,
                                    const std::string& name) {
        const auto method = child(container_, "EncryptionMethod");
        const std::string_view algorithm = any_attribute(method, {"Algorithm", "algorithm"});
        const std::string_view text_value = text::trim(value.child_value());
        // As python-pskc reads them: a Value is encrypted when the container names a cipher and
        // the value has a ValueDigest; otherwise it is the plain value (counters often are).
        if (algorithm.empty() || text::iequals(algorithm, "NONE") || !digest) {
            auto plain = base64_decode_secret(text_value);
            if (!plain)
                return fail(ErrorCode::invalid_input, name + " Value: " + plain.error().message);
            return std::move(*plain);
        }
        HWTOTP_ASSIGN_OR_RETURN(const crypto::Cipher cipher, crypto::parse_cipher_uri(algorithm));
        auto data = base64_decode(text_value);
        if (!data || data->empty())
            return fail(ErrorCode::invalid_input, "encrypted " + name + " has no valid Value");
        if (const auto iv_node = child(method, "IV")) {
            auto iv = base64_decode(text::trim(iv_node.child_value()));
            if (!iv || iv->empty())
                return fail(ErrorCode::invalid_input, "EncryptionMethod IV is not valid base64");
            data->insert(data->begin(), iv->begin(), iv->end());
        }
        return authenticate_and_decrypt(cipher, *data, digest, name);
    }

    // Checks the MAC, then decrypts. RFC 6030 MACs the IV and ciphertext; the pre-RFC drafts
    // MACed the plaintext (python-pskc accepts both), so a MAC that does not cover the
    // ciphertext is tried against the decrypted value before the key is called wrong. Either
    // way nothing decrypted is returned unless a MAC over it or its ciphertext verified.
    Result<Secret> authenticate_and_decrypt(crypto::Cipher cipher,
                                            std::span<const std::uint8_t> data,
                                            const pugi::xml_node& value_mac,
                                            const std::string& name) {
        HWTOTP_ASSIGN_OR_RETURN(crypto::ValueDecryptor* const decryptor, decryptor_for(cipher));
        if (!value_mac) {
            if (crypto::cipher_is_cbc(cipher)) {
                return fail(ErrorCode::crypto,
                            "encrypted " + name +
                                " has no ValueMAC; refusing to decrypt an unauthenticated value");
            }
            return decryptor->decrypt(data);
        }
        HWTOTP_ASSIGN_OR_RETURN(crypto::Hmac* const mac, mac_for());
        auto expected = base64_decode(value_mac.child_value());
        if (!expected) {
            return fail(ErrorCode::invalid_input, name + " " + std::string(local_name(value_mac)) +
                                                      ": " + expected.error().message);
        }
        HWTOTP_ASSIGN_OR_RETURN(const auto over_ciphertext, mac->mac(data));
        if (crypto::equal(over_ciphertext, *expected))
            return decryptor->decrypt(data);
        const Error mismatch{ErrorCode::crypto, "wrong key or password (the " + name + " " +
                                                    std::string(local_name(value_mac)) +
                                                    " does not match)"};
        auto plain = decryptor->decrypt(data);
        if (!plain)
            return tl::unexpected(mismatch);
        HWTOTP_ASSIGN_OR_RETURN(const auto over_plaintext, mac->mac(plain->expose()));
        if (!crypto::equal(over_plaintext, *expected))
            return tl::unexpected(mismatch);
        if (!warned_plaintext_mac_ && callbacks_.warn) {
            warned_plaintext_mac_ = true;
            callbacks_.warn(
                "the file's MACs cover the decrypted values, as the pre-RFC 6030 drafts did (RFC "
                "6030 MACs the IV and ciphertext); they verify, so the values are imported");
        }
        return std::move(*plain);
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
                                (master.empty() ? std::string() : " ('" + master + "')") + ": " +
                                std::string(hint::give_pskc_password));
            }
            return fail(ErrorCode::invalid_input,
                        "the file is encrypted with a pre-shared key" +
                            (key_name.empty() ? std::string() : " ('" + key_name + "')") + ": " +
                            std::string(hint::give_pskc_key));
        }
        if (!derived) {
            return fail(ErrorCode::invalid_input,
                        "the file uses a pre-shared key, not a password: " +
                            std::string(hint::give_pskc_key));
        }
        HWTOTP_ASSIGN_OR_RETURN(key_, derive_key(derived));
        return &*key_;
    }

    // The key derived from the password as the file's DerivedKey says: PBKDF2 only, its cost
    // bounded before any work is done.
    Result<Secret> derive_key(const pugi::xml_node& derived) const {
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
        HWTOTP_ASSIGN_OR_RETURN(
            const std::int64_t iterations,
            text::parse_int(child_text(params, "IterationCount"), "IterationCount"));
        if (iterations < 1 || iterations > max_pbkdf2_iterations) {
            // Refused before deriving: a hostile file could ask for hours of CPU.
            return fail(ErrorCode::invalid_input, "PBKDF2 IterationCount " +
                                                      std::to_string(iterations) +
                                                      " is out of range (accepted: 1 to " +
                                                      std::to_string(max_pbkdf2_iterations) + ")");
        }
        std::size_t length = 0;
        if (const auto kl = child_text(params, "KeyLength"); !kl.empty()) {
            HWTOTP_ASSIGN_OR_RETURN(const std::int64_t parsed, text::parse_int(kl, "KeyLength"));
            if (parsed < 1 || parsed > 64)
                return fail(ErrorCode::invalid_input, "PBKDF2 KeyLength out of range (1..64)");
            length = static_cast<std::size_t>(parsed);
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
            HWTOTP_ASSIGN_OR_RETURN(prf, digest_from_uri(prf_uri, "PBKDF2 PRF"));
        }
        return crypto::pbkdf2(keys_.password, *salt, static_cast<std::uint64_t>(iterations), length,
                              prf);
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
        HWTOTP_ASSIGN_OR_RETURN(const Secret* key, encryption_key());
        HWTOTP_ASSIGN_OR_RETURN(auto decryptor, crypto::ValueDecryptor::create(cipher, *key));
        return &decryptors_.emplace(cipher, std::move(decryptor)).first->second;
    }

    Result<crypto::Hmac*> mac_for() {
        if (mac_)
            return &*mac_;
        auto method = child(container_, "MACMethod");
        if (!method)
            method = child(container_, "DigestMethod");  // the drafts' name for it
        if (!method)
            return fail(ErrorCode::invalid_input,
                        "a ValueMAC is given but the file has no MACMethod");
        HWTOTP_ASSIGN_OR_RETURN(
            const auto digest,
            digest_from_uri(any_attribute(method, {"Algorithm", "algorithm"}), "MAC algorithm"));
        Secret mac_key;
        if (const auto mac_key_node = child(method, "MACKey")) {
            // The MAC key is encrypted with the container's encryption key, no MAC of its own:
            // a wrong key shows as a padding error here, or as a ValueMAC mismatch next.
            const std::string_view algorithm =
                attribute(child(mac_key_node, "EncryptionMethod"), "Algorithm");
            HWTOTP_ASSIGN_OR_RETURN(const auto cipher, crypto::parse_cipher_uri(algorithm));
            auto data = base64_decode(child_text(child(mac_key_node, "CipherData"), "CipherValue"));
            if (!data || data->empty())
                return fail(ErrorCode::invalid_input, "MACKey has no valid CipherValue");
            HWTOTP_ASSIGN_OR_RETURN(crypto::ValueDecryptor * decryptor, decryptor_for(cipher));
            HWTOTP_ASSIGN_OR_RETURN(mac_key, decryptor->decrypt(*data));
        } else if (child(method, "MACKeyReference")) {
            return fail(ErrorCode::invalid_input,
                        "MACKeyReference (a MAC key agreed out of band) is not supported");
        } else {
            // Legacy files: no MACKey, the encryption key doubles as MAC key.
            HWTOTP_ASSIGN_OR_RETURN(const Secret* key, encryption_key());
            mac_key = key->clone();
        }
        HWTOTP_ASSIGN_OR_RETURN(auto mac, crypto::Hmac::create(digest, mac_key));
        mac_.emplace(std::move(mac));
        return &*mac_;
    }

    pugi::xml_node container_;
    const PskcKeys& keys_;
    const ImportCallbacks& callbacks_;
    bool warned_plaintext_mac_ = false;
    std::optional<Secret> key_;
    std::map<crypto::Cipher, crypto::ValueDecryptor> decryptors_;
    std::optional<crypto::Hmac> mac_;
};

// An integer Data value: PlainValue text, or decrypted bytes (ASCII digits or big-endian).
Result<std::optional<std::int64_t>> integer_value(Opener& opener, const pugi::xml_node& element,
                                                  std::string_view name) {
    if (!element)
        return std::optional<std::int64_t>{};
    // A plain integer (TimeInterval 30, Counter 0) is not key material: parsed from the text.
    if (const auto plain = child(element, "PlainValue")) {
        HWTOTP_ASSIGN_OR_RETURN(const std::int64_t parsed,
                                text::parse_int(text::trim(plain.child_value()), name));
        return std::optional<std::int64_t>(parsed);
    }
    HWTOTP_ASSIGN_OR_RETURN(const auto bytes, opener.value(element));
    if (!bytes)
        return std::optional<std::int64_t>{};
    const auto raw = bytes->expose();
    const std::string_view as_text(reinterpret_cast<const char*>(raw.data()), raw.size());
    bool digits = !raw.empty();
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = as_text[i];
        if (!(std::isdigit(static_cast<unsigned char>(c)) != 0 || (i == 0 && c == '-') ||
              std::isspace(static_cast<unsigned char>(c)) != 0))
            digits = false;
    }
    if (digits) {
        HWTOTP_ASSIGN_OR_RETURN(const std::int64_t parsed, text::parse_int(as_text, name));
        return std::optional<std::int64_t>(parsed);
    }
    if (raw.size() > 8)
        return fail(ErrorCode::invalid_input, std::string(name) + " is longer than 8 bytes");
    std::uint64_t value = 0;
    for (std::uint8_t b : raw)
        value = (value << 8) | b;
    return std::optional<std::int64_t>(static_cast<std::int64_t>(value));
}

// The Key's attribute under its RFC 6030 name or the drafts' names (KeyId, SecretId, ...).
std::string_view key_attribute(const pugi::xml_node& key, std::string_view rfc_name) {
    if (rfc_name == "Id")
        return any_attribute(key, {"Id", "KeyId", "SecretId"});
    return any_attribute(key, {"Algorithm", "KeyAlgorithm", "SecretAlgorithm"});
}

// The children of a Key that the reader uses, found in one pass over it: a file of 100,000 keys
// is read one Key at a time, and every lookup by name would walk the children again.
struct KeyElements {
    pugi::xml_node issuer, friendly_name, user_id, algorithm_parameters, response_format;
    KeyPolicyNodes policy;
    // The values: RFC 6030's Data/Secret, Data/Counter..., or the drafts' <Data Name="SECRET">.
    pugi::xml_node secret, counter, time, time_interval, time_drift;
};

// The slot of a Data value by its RFC 6030 element name ("TimeInterval") or the drafts' Name
// attribute ("TIME_INTERVAL"). RFC names are compared as they are: this runs for every value of
// every key, and only the drafts' names need folding.
pugi::xml_node* data_slot(KeyElements& e, std::string_view name, bool draft) {
    const std::string folded = draft ? text::lower(name) : std::string();
    const auto is = [&](std::string_view rfc, std::string_view draft_name) {
        return draft ? folded == draft_name : name == rfc;
    };
    if (is("Secret", "secret"))
        return &e.secret;
    if (is("Counter", "counter"))
        return &e.counter;
    if (is("Time", "time"))
        return &e.time;
    if (is("TimeInterval", "time_interval"))
        return &e.time_interval;
    if (is("TimeDrift", "time_drift"))
        return &e.time_drift;
    return nullptr;
}

void find_data_values(const pugi::xml_node& data, KeyElements& e) {
    if (const auto draft_name = attribute(data, "Name"); !draft_name.empty()) {
        // The drafts: one <Data Name="..."> per value, holding <Value> and <ValueDigest>.
        if (auto* slot = data_slot(e, draft_name, true); slot != nullptr && !*slot)
            *slot = data;
        return;
    }
    for (pugi::xml_node c = data.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element)
            continue;
        if (auto* slot = data_slot(e, local_name(c), false); slot != nullptr && !*slot)
            *slot = c;
    }
}

KeyElements key_elements(const pugi::xml_node& key) {
    KeyElements e;
    for (pugi::xml_node c = key.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element)
            continue;
        const std::string_view n = local_name(c);
        if (n == "Data") {
            find_data_values(c, e);
        } else if (n == "AlgorithmParameters" || n == "Usage") {
            // The drafts put ResponseFormat, and the usage flags, in Usage.
            if (n == "AlgorithmParameters")
                e.algorithm_parameters = c;
            else
                e.policy.usage = c;
            if (!e.response_format)
                e.response_format = child(c, "ResponseFormat");
        } else if (n == "Policy") {
            e.policy.policy = c;
        } else if (n == "Issuer") {
            e.issuer = c;
        } else if (n == "FriendlyName") {
            e.friendly_name = c;
        } else if (n == "UserId") {
            e.user_id = c;
        } else if (n == "StartDate") {
            e.policy.start_date = c;
        } else if (n == "ExpiryDate") {
            e.policy.expiry_date = c;
        }
    }
    return e;
}

// An XML Schema boolean ("true", "1", "false", "0"); absent is false.
Result<bool> boolean_attribute(const pugi::xml_node& node, std::string_view name,
                               std::string_view alternative) {
    std::string_view value = text::trim(attribute(node, name));
    if (value.empty())
        value = text::trim(attribute(node, alternative));
    if (value.empty() || text::iequals(value, "false") || value == "0")
        return false;
    if (text::iequals(value, "true") || value == "1")
        return true;
    return fail(ErrorCode::invalid_input, std::string(name) + " '" +
                                              std::string(value.substr(0, 16)) +
                                              "' is not a boolean (true, false, 1, 0)");
}

// Why the Key holds nothing hwtotp can use, or "": an algorithm other than HOTP/TOTP, codes
// that are not 6 to 8 plain decimal digits (RFC 6030 section 4.3.4: CheckDigits appends a Luhn
// digit), a key whose policy excludes OTP use, or a key held by reference (no Secret).
Result<std::string> unsupported_reason(std::string_view algorithm, std::string_view kind,
                                       const KeyElements& e) {
    if (algorithm.empty())
        return fail(ErrorCode::invalid_input, "the Key has no Algorithm");
    if (kind != "totp" && kind != "hotp") {
        return "unsupported algorithm '" + std::string(algorithm.substr(0, 96)) +
               "' (hwtotp imports HOTP and TOTP keys)";
    }
    if (const auto& format = e.response_format) {
        const std::string_view encoding = any_attribute(format, {"Encoding", "Format", "format"});
        if (!encoding.empty() && !text::iequals(encoding, "DECIMAL")) {
            return "ResponseFormat Encoding '" + std::string(encoding.substr(0, 24)) +
                   "' is not supported (DECIMAL only)";
        }
        HWTOTP_ASSIGN_OR_RETURN(const bool check_digit,
                                boolean_attribute(format, "CheckDigits", "CheckDigit"));
        if (check_digit) {
            return std::string(
                "the codes end in a Luhn check digit (ResponseFormat CheckDigits), "
                "which hwtotp does not compute");
        }
        HWTOTP_ASSIGN_OR_RETURN(
            const std::int64_t length,
            text::parse_int(any_attribute(format, {"Length", "length"}), "ResponseFormat Length"));
        if (length < Params::min_digits || length > Params::max_digits) {
            return "ResponseFormat Length " + std::to_string(length) +
                   " is not supported (6, 7 or 8 digits)";
        }
    }
    if (const auto usage = key_usages(e.policy);
        !usage.empty() && std::find(usage.begin(), usage.end(), "OTP") == usage.end()) {
        std::string list;
        for (const auto& u : usage)
            list += (list.empty() ? "" : ", ") + u.substr(0, 24);
        return "the key's Policy KeyUsage is " + list + ", not OTP";
    }
    if (!e.secret)
        return std::string("the Key has no Secret (keys held by reference cannot be imported)");
    return std::string();
}

// The token of a Key that unsupported_reason has accepted.
Result<NewToken> read_package(std::string_view kind, const KeyElements& e,
                              const pugi::xml_node& device, std::string serial, Opener& opener,
                              std::string_view source) {
    NewToken token;
    TokenDescription& d = token.description;
    d.source = std::string(source);
    d.serial = std::move(serial);
    d.manufacturer = std::string(child_text(device, "Manufacturer"));
    d.owner = std::string(text::trim(e.user_id.child_value()));
    if (d.owner.empty())
        d.owner = std::string(child_text(device, "UserId"));
    d.type = kind == "totp" ? OtpType::totp : OtpType::hotp;
    d.issuer = std::string(text::trim(e.issuer.child_value()));
    d.label = std::string(text::trim(e.friendly_name.child_value()));

    Hash hash = Hash::sha1;
    int digits = 6;
    if (const auto suite = child_text(e.algorithm_parameters, "Suite"); !suite.empty()) {
        auto parsed = parse_hash(suite);
        if (!parsed)
            return fail(ErrorCode::invalid_input, "unsupported Suite '" + std::string(suite) + "'");
        hash = *parsed;
    }
    if (e.response_format) {
        // unsupported_reason has checked it: an integer from 6 to 8.
        HWTOTP_ASSIGN_OR_RETURN(
            const std::int64_t length,
            text::parse_int(any_attribute(e.response_format, {"Length", "length"}),
                            "ResponseFormat Length"));
        digits = static_cast<int>(length);
    }

    HWTOTP_ASSIGN_OR_RETURN(auto seed, opener.value(e.secret));
    if (!seed || seed->empty()) {
        return fail(ErrorCode::invalid_input,
                    "the Key has no Secret (keys held by reference cannot be imported)");
    }
    token.seed = std::move(*seed);

    HWTOTP_ASSIGN_OR_RETURN(const auto counter, integer_value(opener, e.counter, "Counter"));
    HWTOTP_ASSIGN_OR_RETURN(const auto t0, integer_value(opener, e.time, "Time"));
    HWTOTP_ASSIGN_OR_RETURN(const auto period,
                            integer_value(opener, e.time_interval, "TimeInterval"));
    HWTOTP_ASSIGN_OR_RETURN(const auto drift, integer_value(opener, e.time_drift, "TimeDrift"));
    if (counter && *counter < 0)
        return fail(ErrorCode::invalid_input, "Counter is negative");
    d.counter = static_cast<std::uint64_t>(counter.value_or(0));
    d.offset_steps = drift.value_or(0);
    HWTOTP_ASSIGN_OR_RETURN(d.params,
                            Params::create(hash, digits, period.value_or(30), t0.value_or(0)));
    return token;
}

struct KeyCounts {
    std::size_t tokens = 0;
    std::size_t skipped = 0;
};

// Every Key of one KeyPackage (the drafts' Device may hold several): skipped when hwtotp
// cannot use it, else read, its policy reported, and sunk.
Result<void> read_keys(const pugi::xml_node& package, const std::string& package_name,
                       Opener& opener, std::string_view source, const ImportCallbacks& callbacks,
                       KeyCounts& counts) {
    auto device = child(package, "DeviceInfo");
    if (!device)
        device = child(package, "DeviceId");  // the drafts' name
    const auto is_key = [](const pugi::xml_node& c) {
        return c.type() == pugi::node_element &&
               (local_name(c) == "Key" || local_name(c) == "Secret");  // Secret: the drafts'
    };
    std::size_t count = 0;
    for (pugi::xml_node c = package.first_child(); c; c = c.next_sibling())
        count += is_key(c) ? 1U : 0U;
    if (count == 0)
        return fail(ErrorCode::invalid_input, package_name + ": no Key element");
    std::size_t k = 0;
    for (pugi::xml_node key = package.first_child(); key; key = key.next_sibling()) {
        if (!is_key(key))
            continue;
        ++k;
        const std::string what =
            count == 1 ? package_name : package_name + " Key " + std::to_string(k);
        std::string serial(child_text(device, "SerialNo"));
        if (serial.empty())
            serial = std::string(text::trim(key_attribute(key, "Id")));
        const std::string_view algorithm = key_attribute(key, "Algorithm");
        const std::string kind = uri_tail(algorithm);  // "hotp", "totp", "pin", ...
        const KeyElements elements = key_elements(key);
        auto reason = unsupported_reason(algorithm, kind, elements);
        if (!reason)
            return tl::unexpected(in_record(what, serial, reason.error()));
        if (!reason->empty()) {
            HWTOTP_TRY(skip_or_refuse(callbacks, record_name(what, serial) + ": " + *reason));
            ++counts.skipped;
            continue;
        }
        if (serial.empty())
            return fail(ErrorCode::invalid_input, what + ": no DeviceInfo/SerialNo and no Key Id");
        auto token = read_package(kind, elements, device, serial, opener, source);
        if (!token)
            return tl::unexpected(in_record(what, serial, token.error()));
        if (callbacks.warn) {
            for (const auto& warning : policy_warnings(elements.policy, callbacks.now))
                callbacks.warn(record_name(what, serial) + ": " + warning);
        }
        HWTOTP_TRY(callbacks.sink(std::move(*token), what));
        ++counts.tokens;
    }
    return {};
}

}  // namespace

namespace {

// What of the container's header this reader refuses before reading any key: a PSKC version
// other than 1.0 and asymmetric (X.509) encryption.
Result<void> check_container(const pugi::xml_node& container, const std::string& src) {
    // RFC 6030 says 1.0; python-pskc refuses any other version, and so does hwtotp (a later
    // version may mean things this reader would get wrong). The drafts' SecretContainer had
    // versions of its own.
    if (const auto version = text::trim(any_attribute(container, {"Version", "version"}));
        local_name(container) == "KeyContainer" && !version.empty() && version != "1.0" &&
        version != "1") {
        return fail(ErrorCode::invalid_input, src + ": PSKC version '" +
                                                  std::string(version.substr(0, 16)) +
                                                  "' is not supported (accepted: 1.0)");
    }
    if (child(child(container, "EncryptionKey"), "X509Data")) {
        return fail(ErrorCode::invalid_input,
                    src +
                        ": asymmetric (X.509) encryption is not supported; ask the vendor for "
                        "a pre-shared key or password file");
    }
    return {};
}

Result<std::size_t> read_pieces(PskcChunker& chunker, std::uint64_t total_bytes,
                                std::string_view source, const PskcKeys& keys,
                                const ImportCallbacks& callbacks) {
    const std::string src(source);
    auto first = chunker.next();
    if (!first)
        return tl::unexpected(with_context(src + ": ", std::move(first).error()));
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
    HWTOTP_TRY(check_container(container, src));
    Opener opener(container, keys, callbacks);
    pugi::xml_document package_doc;  // reused: one KeyPackage in memory at a time
    std::size_t index = 0;
    KeyCounts counts;
    for (;;) {
        auto piece = chunker.next();
        if (!piece)
            return tl::unexpected(with_context(src + ": ", std::move(piece).error()));
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
        HWTOTP_TRY(
            read_keys(package_doc.document_element(), what, opener, source, callbacks, counts));
        if (callbacks.progress && index % 256 == 0)
            callbacks.progress(static_cast<std::size_t>(chunker.bytes_read()),
                               static_cast<std::size_t>(total_bytes));
    }
    if (index == 0)
        return fail(ErrorCode::invalid_input, src + ": no KeyPackage in the file");
    if (callbacks.progress)
        callbacks.progress(static_cast<std::size_t>(total_bytes),
                           static_cast<std::size_t>(total_bytes));
    return tokens_read(counts.tokens, counts.skipped, source);
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
    HWTOTP_ASSIGN_OR_RETURN(auto file, files::open_for_reading(path));
    const std::uint64_t size = file.size();
    PskcChunker chunker([&](std::span<char> out) { return file.read(out); });
    return read_pieces(chunker, size, path, keys, callbacks);
}

}  // namespace hwtotp::store
