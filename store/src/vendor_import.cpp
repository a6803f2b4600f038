// Dispatch to the vendor readers.

#include "hwtotp/store/vendor_import.h"

namespace hwtotp::store {

Result<std::size_t> read_vendor_file(ImportFormat format, std::string_view text,
                                     std::string_view source, const ImportCallbacks& callbacks) {
    switch (format) {
        case ImportFormat::safenet_xml:
            return read_safenet_xml(text, source, callbacks);
        case ImportFormat::etoken_dat:
            return read_etoken_dat(text, source, callbacks);
        case ImportFormat::entra_csv:
            return read_entra_csv(text, source, callbacks);
        case ImportFormat::privacyidea_csv:
            return read_privacyidea_csv(text, source, callbacks);
        case ImportFormat::pam_oath:
            return read_pam_oath(text, source, callbacks);
        case ImportFormat::pskc:
        case ImportFormat::csv:
        case ImportFormat::uri:
            break;
    }
    return fail(ErrorCode::internal, "no vendor reader for the format '" +
                                         std::string(import_format_name(format)) + "'");
}

}  // namespace hwtotp::store
