// The QR codes of a URI export: one PNG per token, "<serial>.png" in a private directory, each
// file created as the export file is (0600, O_EXCL|O_NOFOLLOW, renamed into place). The set is
// all or nothing: when a later file, or the export itself, fails, the ones written are removed.

#include "export_qr.h"

#include <unistd.h>

#include "export_writer.h"
#include "qr_png.h"

namespace hwtotp::store {
namespace {

// The serial as a file name: letters, digits, '-', '_' and '.' (not first) as they are, every
// other byte as %XX, so that two serials never share a name and none climbs out of the directory.
std::string file_name(std::string_view serial) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string name;
    for (std::size_t i = 0; i < serial.size(); ++i) {
        const auto c = static_cast<unsigned char>(serial[i]);
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_' || (c == '.' && i > 0);
        if (plain) {
            name += static_cast<char>(c);
        } else {
            name += '%';
            name += hex[c >> 4];
            name += hex[c & 15];
        }
    }
    return name + ".png";
}

}  // namespace

QrFiles::~QrFiles() {
    if (kept_)
        return;
    for (const auto& path : paths_)
        ::unlink(path.c_str());
}

Result<void> QrFiles::write(const Token& token, const std::string& dir, bool replace) {
    const std::string path = dir + "/" + file_name(token.info.description.serial);
    HWTOTP_ASSIGN_OR_RETURN(auto file, ExportFile::create(path, replace));
    SeedText uri(token_uri(token));
    HWTOTP_ASSIGN_OR_RETURN(auto png, qr_png(uri.text()));
    auto written = file.write(png);
    wipe_memory(png.data(), png.size());
    HWTOTP_TRY(std::move(written));
    HWTOTP_TRY(file.commit());
    paths_.push_back(path);
    return {};
}

}  // namespace hwtotp::store
