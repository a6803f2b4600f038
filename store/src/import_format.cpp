// Import formats: their names, and which one a file is.
//
// Content decides first, from marks that only one format has, because vendors name files
// freely (a SafeNet seed file is "tokens.xml" like a PSKC file; a pam_oath usersfile has no
// extension at all). The extension decides only when the content has no such mark, and CSV is
// the fallback. privacyIDEA's CSV without its "# version:" line has no mark: it reads as
// hwtotp's own CSV unless --format privacyidea-csv says otherwise.

#include <array>

#include "hwtotp/store/import.h"
#include "text_util.h"

namespace hwtotp::store {
namespace {

struct FormatName {
    ImportFormat format;
    std::string_view name;
};

constexpr std::array<FormatName, 8> format_names{{
    {ImportFormat::pskc, "pskc"},
    {ImportFormat::csv, "csv"},
    {ImportFormat::uri, "uri"},
    {ImportFormat::safenet_xml, "safenet-xml"},
    {ImportFormat::etoken_dat, "etoken-dat"},
    {ImportFormat::entra_csv, "entra-csv"},
    {ImportFormat::privacyidea_csv, "privacyidea-csv"},
    {ImportFormat::pam_oath, "pam-oath"},
}};

std::string accepted_names() {
    std::string out;
    for (const auto& f : format_names)
        out += (out.empty() ? "" : ", ") + std::string(f.name);
    return out;
}

// The local name of the document element: after any XML declaration, comments and processing
// instructions, or as a DOCTYPE declares it (which the readers then refuse, each in its own
// words). Empty when the head does not reach it.
std::string_view xml_root_name(std::string_view head) {
    std::string_view name;
    for (;;) {
        head = text::trim(head);
        if (!head.starts_with('<') || head.size() < 2)
            return {};
        if (head.starts_with("<?") || head.starts_with("<!--")) {
            const std::string_view close = head[1] == '?' ? "?>" : "-->";
            const auto end = head.find(close);
            if (end == std::string_view::npos)
                return {};
            head.remove_prefix(end + close.size());
            continue;
        }
        if (head.starts_with("<!DOCTYPE")) {
            head = text::trim(head.substr(9));
            name = head.substr(0, head.find_first_of(" \t\r\n[>"));
        } else if (head[1] == '!') {
            return {};
        } else {
            name = head.substr(1, head.find_first_of(" \t\r\n/>", 1) - 1);
        }
        break;
    }
    if (const auto colon = name.find(':'); colon != std::string_view::npos)
        name.remove_prefix(colon + 1);
    return name;
}

// A pam_oath token type ("HOTP", "HOTP/E/8", "HOTP/T30/6", ...) followed by a field.
bool starts_with_pam_oath_type(std::string_view line) {
    const auto end = line.find_first_of(" \t");
    if (end == std::string_view::npos)
        return false;
    const std::string_view type = line.substr(0, end);
    return type == "HOTP" || type.starts_with("HOTP/E") || type.starts_with("HOTP/T30") ||
           type.starts_with("HOTP/T60");
}

bool is_entra_header(std::string_view line) {
    std::string compact;
    for (char c : text::lower(line)) {
        if (c != ' ' && c != '"' && c != '\t' && c != '\r')
            compact.push_back(c);
    }
    return compact.starts_with("upn,serialnumber,secretkey,timeinterval");
}

// privacyIDEA's first line "# version: N" (its reader takes the user columns from version 2).
bool is_privacyidea_version_line(std::string_view line) {
    if (!line.starts_with('#'))
        return false;
    line = text::trim(line.substr(1));
    return text::lower(line.substr(0, 8)) == "version:";
}

std::optional<ImportFormat> format_from_lines(std::string_view rest) {
    bool first = true;
    while (!rest.empty()) {
        const auto nl = rest.find('\n');
        const std::string_view line = text::trim(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        if (line.empty())
            continue;
        const bool was_first = std::exchange(first, false);
        if (line.front() == '#') {
            if (was_first && is_privacyidea_version_line(line))
                return ImportFormat::privacyidea_csv;
            if (line.find("SafeWord Authenticator Records") != std::string_view::npos)
                return ImportFormat::etoken_dat;
            continue;
        }
        const std::string lowered = text::lower(line.substr(0, 24));
        if (lowered.starts_with("otpauth://"))
            return ImportFormat::uri;
        if (lowered.starts_with("dn:") || lowered.starts_with("sccauthenticatorid:"))
            return ImportFormat::etoken_dat;
        if (starts_with_pam_oath_type(line))
            return ImportFormat::pam_oath;
        if (is_entra_header(line))
            return ImportFormat::entra_csv;
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<ImportFormat> format_from_content(std::string_view content) {
    if (content.starts_with("\xEF\xBB\xBF"))
        content.remove_prefix(3);
    const std::string_view start = text::trim(content);
    if (start.starts_with('<'))
        return xml_root_name(start) == "Tokens" ? ImportFormat::safenet_xml : ImportFormat::pskc;
    return format_from_lines(content);
}

std::optional<ImportFormat> format_from_extension(std::string_view path) {
    const std::string p = text::lower(path);
    for (const char* ext : {".xml", ".pskc", ".pskcxml"}) {
        if (p.ends_with(ext))
            return ImportFormat::pskc;
    }
    if (p.ends_with(".csv"))
        return ImportFormat::csv;
    if (p.ends_with(".uri") || p.ends_with(".txt"))
        return ImportFormat::uri;
    if (p.ends_with(".dat"))
        return ImportFormat::etoken_dat;
    return std::nullopt;
}

}  // namespace

Result<ImportFormat> parse_import_format(std::string_view text_in) {
    const std::string t = text::lower(text::trim(text_in));
    if (t == "otpauth")
        return ImportFormat::uri;
    for (const auto& f : format_names) {
        if (t == f.name)
            return f.format;
    }
    return fail(ErrorCode::invalid_input, "import format '" + std::string(text_in) +
                                              "' (accepted: " + accepted_names() + ")");
}

std::string_view import_format_name(ImportFormat format) {
    for (const auto& f : format_names) {
        if (f.format == format)
            return f.name;
    }
    return "pskc";
}

ImportFormat detect_import_format(std::string_view path, std::string_view content) {
    if (auto by_content = format_from_content(content))
        return *by_content;
    return format_from_extension(path).value_or(ImportFormat::csv);
}

}  // namespace hwtotp::store
