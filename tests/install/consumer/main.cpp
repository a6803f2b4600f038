// A test of another project, written against the installed headers: a simulated display token
// with the RFC 6238 SHA-1 seed must show the RFC's codes (Appendix B), and the store and aws
// libraries link. Exit 0 only when every check holds.
#include <cstdio>
#include <string>
#include <vector>

#include "hwtotp/aws/serial.h"
#include "hwtotp/device/simulated_token.h"
#include "hwtotp/store/import.h"
#include "hwtotp/totp/secret.h"

int main() {
    const std::string seed_text = "12345678901234567890";  // RFC 6238 Appendix B, SHA-1
    const std::vector<std::uint8_t> bytes(seed_text.begin(), seed_text.end());
    const hwtotp::Secret seed(bytes);
    auto params = hwtotp::Params::create(hwtotp::Hash::sha1, 8, 30, 0);
    if (!params)
        return 2;
    auto token = hwtotp::device::SimulatedToken::create(
        "SIM0001", seed, *params, hwtotp::device::DriftModel::starting_at(0, 0.0));
    if (!token)
        return 2;
    const std::vector<std::pair<std::int64_t, std::string>> expected = {
        {59, "94287082"}, {1111111109, "07081804"}, {2000000000, "69279037"}};
    int failures = 0;
    for (const auto& [time, code] : expected) {
        auto shown = token->press(time);
        const std::string got = shown ? shown->str() : "error";
        std::printf("t=%lld %s\n", static_cast<long long>(time), got.c_str());
        failures += got != code;
    }
    failures += !hwtotp::store::parse_import_format("pskc").has_value();
    failures +=
        hwtotp::aws::check_serial("GAKT12345678").kind != hwtotp::aws::SerialKind::aws_hardware;
    return failures == 0 ? 0 : 1;
}
