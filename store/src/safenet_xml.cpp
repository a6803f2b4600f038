// SafeNet/SafeWord (formerly Aladdin) XML seed files for eToken PASS and SafeWord Alpine tokens:
//     <Tokens>
//       <Token serial="00040008CFA5">
//         <CaseModel>5</CaseModel> <Model>101</Model> <ProductionDate>02/19/2009</ProductionDate>
//         <ProductName>Safeword Alpine</ProductName>
//         <Applications>
//           <Application ConnectorID="{...}"><Seed>HEX</Seed><MovingFactor>1</MovingFactor>
//           </Application>
//         </Applications>
//       </Token>
//     </Tokens>
// There is no public specification. privacyIDEA's documentation (doc/workflows_and_tools/import,
// "SafeNet XML") and both peers' readers (privacyidea/lib/importotp.py and
// linotp/lib/ImportOTP/safenet.py, parseSafeNetXML) read Token@serial, Seed and MovingFactor and
// make every token an event (HOTP) token: SHA-256 when the seed has 64 hex digits, else SHA-1;
// six digits; the counter is MovingFactor. None of them knows an element that marks a
// time-based token (privacyIDEA notes that SafeNet's newer files are PSKC). So hwtotp reads the
// same fields, and refuses an Application element it does not know as unsupported: it could
// make a time-based token, whose codes an event token would not match.
//
// The XML parser reads a private copy of the file in place; the copy is wiped afterwards.

#include <pugixml.hpp>

#include <cstring>
#include <vector>

#include "hwtotp/store/vendor_import.h"
#include "hwtotp/totp/codec.h"
#include "import_skip.h"
#include "text_util.h"
#include "vendor_record.h"
#include "xml_names.h"

namespace hwtotp::store {
namespace {

using xml::child;
using xml::local_name;

// The element children of a node (text, comments and processing instructions left out).
std::vector<pugi::xml_node> elements(const pugi::xml_node& parent) {
    std::vector<pugi::xml_node> out;
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element)
            out.push_back(c);
    }
    return out;
}

// The one Application of a Token, or an error.
Result<pugi::xml_node> application_of(const pugi::xml_node& token) {
    const auto apps = elements(child(token, "Applications"));
    if (apps.empty() || local_name(apps.front()) != "Application")
        return fail(ErrorCode::invalid_input, "no Applications/Application element");
    if (apps.size() > 1) {
        return fail(ErrorCode::invalid_input,
                    std::to_string(apps.size()) +
                        " Application elements (hwtotp imports one seed per token serial)");
    }
    return apps.front();
}

// Why the Application cannot be read as an event token, or "".
std::string unsupported_reason(const pugi::xml_node& application) {
    for (const auto& e : elements(application)) {
        const std::string_view name = local_name(e);
        if (name != "Seed" && name != "MovingFactor") {
            return "Application element <" + std::string(name.substr(0, 32)) +
                   "> is not known to hwtotp (it reads Seed and MovingFactor, as event tokens; a "
                   "time-based token read that way would make wrong codes)";
        }
    }
    return {};
}

Result<NewToken> read_token(const pugi::xml_node& token_node, const pugi::xml_node& application,
                            std::string_view source) {
    NewToken token;
    TokenDescription& d = token.description;
    d.source = std::string(source);
    d.serial = std::string(text::trim(token_node.attribute("serial").value()));
    HWTOTP_TRY(check_serial(d.serial));
    d.manufacturer = "SafeNet";
    d.label = std::string(text::trim(child(token_node, "ProductName").child_value()));
    const std::string_view seed_hex = text::trim(child(application, "Seed").child_value());
    if (seed_hex.empty())
        return fail(ErrorCode::invalid_input, "the Application has no Seed");
    auto seed = hex_decode_secret(seed_hex);
    if (!seed)
        return fail(ErrorCode::invalid_input, "Seed (hex): " + seed.error().message);
    token.seed = std::move(*seed);
    if (const auto moving = child(application, "MovingFactor")) {
        HWTOTP_ASSIGN_OR_RETURN(const std::int64_t counter,
                                text::parse_int(moving.child_value(), "MovingFactor"));
        if (counter < 0)
            return fail(ErrorCode::invalid_input, "MovingFactor is negative");
        d.counter = static_cast<std::uint64_t>(counter);
    }
    d.type = OtpType::hotp;
    const Hash hash = token.seed.size() == 32 ? Hash::sha256 : Hash::sha1;
    HWTOTP_ASSIGN_OR_RETURN(d.params, Params::create(hash, 6, 30, 0));
    return token;
}

// A copy of the file that pugixml parses in place, wiped when done.
struct WipedBuffer {
    std::string bytes;
    ~WipedBuffer() { wipe_memory(bytes.data(), bytes.capacity()); }
};

Result<std::size_t> read_tokens(const pugi::xml_node& root, std::string_view source,
                                const ImportCallbacks& callbacks) {
    std::size_t index = 0;
    std::size_t tokens = 0;
    std::size_t skipped = 0;
    for (const auto& token_node : elements(root)) {
        if (local_name(token_node) != "Token") {
            return fail(ErrorCode::invalid_input,
                        std::string(source) + ": unexpected element <" +
                            std::string(local_name(token_node).substr(0, 32)) +
                            "> in <Tokens> (expected <Token>)");
        }
        const std::string what = "Token " + std::to_string(++index);
        const std::string_view serial = text::trim(token_node.attribute("serial").value());
        auto application = application_of(token_node);
        if (!application)
            return tl::unexpected(in_record(what, serial, application.error()));
        if (auto reason = unsupported_reason(*application); !reason.empty()) {
            HWTOTP_TRY(skip_or_refuse(callbacks, record_name(what, serial) + ": " + reason));
            ++skipped;
            continue;
        }
        auto token = read_token(token_node, *application, source);
        if (!token)
            return tl::unexpected(in_record(what, serial, token.error()));
        HWTOTP_TRY(callbacks.sink(std::move(*token), what));
        ++tokens;
    }
    return tokens_read(tokens, skipped, source);
}

}  // namespace

Result<std::size_t> read_safenet_xml(std::string_view xml, std::string_view source,
                                     const ImportCallbacks& callbacks) {
    WipedBuffer buffer{std::string(xml)};
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer_inplace(buffer.bytes.data(), buffer.bytes.size(),
                                                pugi::parse_default | pugi::parse_doctype);
    if (!parsed) {
        return fail(ErrorCode::invalid_input,
                    std::string(source) + ": not well-formed XML at byte " +
                        std::to_string(parsed.offset) + ": " + parsed.description());
    }
    for (pugi::xml_node c = doc.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_doctype) {
            return fail(ErrorCode::invalid_input,
                        std::string(source) +
                            ": the file has a DOCTYPE, which hwtotp refuses "
                            "(no entity expansion, nothing fetched)");
        }
    }
    const pugi::xml_node root = doc.document_element();
    if (local_name(root) != "Tokens") {
        return fail(ErrorCode::invalid_input,
                    std::string(source) + ": not a SafeNet XML file (the root element is <" +
                        std::string(local_name(root).substr(0, 64)) + ">, expected <Tokens>)");
    }
    return read_tokens(root, source, callbacks);
}

}  // namespace hwtotp::store
