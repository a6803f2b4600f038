#pragma once
// Codes for the enrollment tests come from `hwtotp code` (checked against the RFC vectors in
// code_verify_test.cpp), never from the command under test or from copied output.

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "run_cli.h"

namespace hwtotp::test {

// RFC 6238's SHA-1 seed, as a seed file in a temporary directory.
class SeedFile {
  public:
    SeedFile() {
        std::ofstream(dir_.file("seed.hex")) << "3132333435363738393031323334353637383930\n";
    }
    [[nodiscard]] std::string path() const { return dir_.file("seed.hex"); }
    [[nodiscard]] std::string file(const std::string& name) const { return dir_.file(name); }

  private:
    TempDir dir_;
};

// `count` consecutive codes starting with the one current at Unix time `time`.
inline std::vector<std::string> codes_at(const SeedFile& seed, std::int64_t time, int count = 2) {
    const auto r = run_cli({"code", "--secret-file", seed.path(), "--time", std::to_string(time),
                            "--count", std::to_string(count)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return lines(r.out);
}

// 2026-11-18T11:06:40Z: 10 s into a 30-s step.
constexpr std::int64_t base_time = 1'795'000'000;

}  // namespace hwtotp::test
