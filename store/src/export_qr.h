#pragma once
// The QR code PNGs of a URI export (export_qr.cpp).

#include <string>
#include <vector>

#include "hwtotp/store/token.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::store {

// The files written so far; removed when the object goes unless keep() was called.
class QrFiles {
  public:
    QrFiles() = default;
    QrFiles(const QrFiles&) = delete;
    QrFiles& operator=(const QrFiles&) = delete;
    ~QrFiles();

    // "<dir>/<serial>.png" (other bytes than [A-Za-z0-9._-] as %XX); an existing file is
    // replaced only with `replace`.
    [[nodiscard]] Result<void> write(const Token& token, const std::string& dir, bool replace);
    void keep() { kept_ = true; }
    [[nodiscard]] std::size_t size() const { return paths_.size(); }

  private:
    std::vector<std::string> paths_;
    bool kept_ = false;
};

}  // namespace hwtotp::store
