// Engine throughput: codes per second for each hash and code length, single-threaded and in
// the parallel window scan, against OpenSSL's one-shot HMAC() per code as the reference (what a
// straightforward implementation does). Counters report codes/s ("items_per_second").
#include <benchmark/benchmark.h>
#include <openssl/hmac.h>

#include <array>
#include <string>

#include "hwtotp/totp/otp_key.h"
#include "hwtotp/totp/window.h"

namespace {

using hwtotp::Code;
using hwtotp::Hash;
using hwtotp::OtpKey;
using hwtotp::Secret;

Secret rfc_seed(Hash hash) {
    // RFC 6238 Appendix A seeds: 20, 32, 64 bytes of "1234567890..." for SHA-1/256/512.
    const std::string pattern = "1234567890";
    std::string seed;
    while (seed.size() < hwtotp::digest_size(hash))
        seed += pattern;
    seed.resize(hwtotp::digest_size(hash));
    return Secret(std::span(reinterpret_cast<const std::uint8_t*>(seed.data()), seed.size()));
}

Hash hash_arg(std::int64_t v) {
    return static_cast<Hash>(v);
}

// A code that is not in the scanned range, so every step is computed and compared.
Code absent_code(const OtpKey& key, int digits, std::uint64_t first, std::uint64_t last) {
    for (std::uint32_t v = 0;; ++v) {
        const Code c = Code::from_value(v, digits);
        if (key.find(first, last, c, 1).empty())
            return c;
    }
}

void BM_ScanSingleThread(benchmark::State& state) {
    const Hash hash = hash_arg(state.range(0));
    const int digits = static_cast<int>(state.range(1));
    const auto key = OtpKey::create(rfc_seed(hash), hash).value();
    constexpr std::uint64_t n = 1 << 20;
    const Code code = absent_code(key, digits, 56'000'000, 56'000'000 + n - 1);
    for (auto _ : state) {
        benchmark::DoNotOptimize(key.find(56'000'000, 56'000'000 + n - 1, code, 1));
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_ScanSingleThread)
    ->ArgsProduct({{0, 1, 2}, {6, 8}})
    ->ArgNames({"hash(0=sha1,1=sha256,2=sha512)", "digits"})
    ->Unit(benchmark::kMillisecond);

void BM_ScanAllCores(benchmark::State& state) {
    const auto key = OtpKey::create(rfc_seed(Hash::sha1), Hash::sha1).value();
    constexpr std::uint64_t n = 10'000'000;
    const hwtotp::StepRange range{56'000'000 - n / 2, 56'000'000 + n / 2 - 1};
    const Code code = absent_code(key, 8, range.first, range.last);
    for (auto _ : state) {
        benchmark::DoNotOptimize(hwtotp::find_code(key, code, range));
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_ScanAllCores)->Unit(benchmark::kMillisecond)->UseRealTime();

// What `resync --search-window all` does: every step from 1970 to 20 years ahead (about 80 M
// steps at 30 s) for two consecutive 6-digit codes, on all cores. A pair that never occurs, so
// every step is computed; the second code is only computed after a first-code hit.
void BM_FindConsecutiveAll(benchmark::State& state) {
    const auto key = OtpKey::create(rfc_seed(Hash::sha1), Hash::sha1).value();
    constexpr std::uint64_t n = 80'000'000;
    const hwtotp::StepRange range{0, n - 1};
    const Code first = Code::from_value(0, 6);
    const Code second = Code::from_value(1, 6);
    for (auto _ : state) {
        benchmark::DoNotOptimize(hwtotp::find_consecutive(key, first, second, range));
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_FindConsecutiveAll)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

void BM_OneCode(benchmark::State& state) {
    const auto key = OtpKey::create(rfc_seed(Hash::sha1), Hash::sha1).value();
    std::uint64_t counter = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(key.code(counter++, 6));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OneCode);

// Reference: OpenSSL's one-shot HMAC() per code, re-keying every time.
void BM_ReferenceOneShotHmac(benchmark::State& state) {
    const Hash hash = hash_arg(state.range(0));
    const Secret seed = rfc_seed(hash);
    const EVP_MD* md = hash == Hash::sha1     ? EVP_sha1()
                       : hash == Hash::sha256 ? EVP_sha256()
                                              : EVP_sha512();
    std::array<std::uint8_t, 64> out{};
    std::uint64_t counter = 0;
    for (auto _ : state) {
        std::array<std::uint8_t, 8> msg{};
        for (std::size_t i = 0; i < 8; ++i)
            msg[7 - i] = static_cast<std::uint8_t>(counter >> (8 * i));
        unsigned int len = 0;
        HMAC(md, seed.expose().data(), static_cast<int>(seed.size()), msg.data(), msg.size(),
             out.data(), &len);
        benchmark::DoNotOptimize(out);
        ++counter;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReferenceOneShotHmac)->Arg(0)->Arg(1)->Arg(2)->ArgName("hash");

}  // namespace

BENCHMARK_MAIN();
