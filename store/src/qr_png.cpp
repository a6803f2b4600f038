// QR codes with libqrencode, PNG encoding with libpng's simplified API (png_image), which
// reports errors in the image structure instead of longjmp, so no C++ object is skipped over.

#include "qr_png.h"

#include <png.h>
#include <qrencode.h>

#include <memory>
#include <string>

#include "hwtotp/totp/secret.h"

namespace hwtotp::store {
namespace {

constexpr int pixels_per_module = 4;
constexpr int quiet_zone_modules = 4;

struct QrFree {
    void operator()(QRcode* code) const {
        // The modules spell the text (a seed): wiped before they are freed.
        wipe_memory(code->data,
                    static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width));
        QRcode_free(code);
    }
};

// A grey image of the code: black modules 0, white 255.
std::vector<std::uint8_t> render(const QRcode& code, int side) {
    std::vector<std::uint8_t> pixels(
        static_cast<std::size_t>(side) * static_cast<std::size_t>(side), 255);
    for (int y = 0; y < code.width; ++y) {
        for (int x = 0; x < code.width; ++x) {
            if ((code.data[y * code.width + x] & 1) == 0)
                continue;
            for (int dy = 0; dy < pixels_per_module; ++dy) {
                const int row = (y + quiet_zone_modules) * pixels_per_module + dy;
                const int column = (x + quiet_zone_modules) * pixels_per_module;
                std::fill_n(pixels.begin() + row * side + column, pixels_per_module, 0);
            }
        }
    }
    return pixels;
}

}  // namespace

Result<std::vector<std::uint8_t>> qr_png(std::string_view text) {
    const std::string copy(text);  // QRencode wants a NUL-terminated string
    std::unique_ptr<QRcode, QrFree> code(QRcode_encodeString8bit(copy.c_str(), 0, QR_ECLEVEL_M));
    wipe_memory(const_cast<char*>(copy.data()), copy.size());
    if (!code)
        return fail(ErrorCode::invalid_input, "the URI is too long for a QR code");
    const int side = (code->width + 2 * quiet_zone_modules) * pixels_per_module;
    std::vector<std::uint8_t> pixels = render(*code, side);

    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(side);
    image.height = static_cast<png_uint_32>(side);
    image.format = PNG_FORMAT_GRAY;
    png_alloc_size_t size = 0;
    // First call: the size; second: the bytes.
    if (png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr) == 0) {
        wipe_memory(pixels.data(), pixels.size());
        return fail(ErrorCode::internal, std::string("PNG encoding failed: ") + image.message);
    }
    std::vector<std::uint8_t> png(size);
    const int written =
        png_image_write_to_memory(&image, png.data(), &size, 0, pixels.data(), 0, nullptr);
    wipe_memory(pixels.data(), pixels.size());
    png_image_free(&image);
    if (written == 0) {
        wipe_memory(png.data(), png.size());
        return fail(ErrorCode::internal, std::string("PNG encoding failed: ") + image.message);
    }
    png.resize(size);
    return png;
}

}  // namespace hwtotp::store
