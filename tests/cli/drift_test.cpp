// hwtotp drift end to end: resyncs of a simulated drifting token, then the fitted rate.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "code_source.h"
#include "run_cli.h"

namespace hwtotp::test {
namespace {

constexpr std::int64_t year = 31'557'600;

// A token whose clock was right at `since` and gains `ppm` since: the instant it shows at t.
std::int64_t token_clock(std::int64_t t, double ppm, std::int64_t since) {
    return t + static_cast<std::int64_t>(std::floor(ppm * 1e-6 * static_cast<double>(t - since)));
}

// Resync at time t: code 1 read 30 s earlier, code 2 now; returns the offset in steps.
std::int64_t resync_offset(const SeedFile& seed, std::int64_t t, double ppm, std::int64_t since) {
    const auto c1 = codes_at(seed, token_clock(t - 30, ppm, since), 1);
    const auto c2 = codes_at(seed, token_clock(t, ppm, since), 1);
    const auto r = run_cli({"--json", "resync", "--secret-file", seed.path(), "--code1", c1[0],
                            "--code2", c2[0], "--time", std::to_string(t)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out)["offset_steps"].get<std::int64_t>();
}

TEST(CliDrift, TwoResyncsAYearApartRecover35Ppm) {
    SeedFile seed;
    const double ppm = 35;
    const std::int64_t t1 = base_time;
    const std::int64_t t2 = base_time + year + 4321;
    const std::int64_t k1 = resync_offset(seed, t1, ppm, t1 - 86400);
    const std::int64_t k2 = resync_offset(seed, t2, ppm, t1 - 86400);
    EXPECT_EQ(k1, 0);
    EXPECT_GE(k2, 36);  // 35 ppm × 1 year ≈ 1105 s ≈ 36.8 steps
    const std::string plot = seed.file("drift.svg");
    const auto r =
        run_cli({"--json", "drift", "--observe", std::to_string(t1) + "," + std::to_string(k1),
                 "--observe", std::to_string(t2) + "," + std::to_string(k2), "--time",
                 std::to_string(t2), "--plot", plot});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_NEAR(j["rate_ppm"].get<double>(), ppm, 1.0);
    EXPECT_GT(j["rate_stderr_ppm"].get<double>(), 0.1);
    EXPECT_LT(j["rate_stderr_ppm"].get<double>(), 1.0);
    EXPECT_EQ(j["observations"].size(), 2U);
    EXPECT_EQ(j["observations"][0]["uncertainty_seconds"], 15.0);
    EXPECT_EQ(j["windows"][0]["radius"], 1);
    EXPECT_EQ(j["windows"][0]["kind"], "leaves");
    EXPECT_GT(j["windows"][0]["time"].get<std::int64_t>(), t2);

    std::ifstream file(plot);
    std::stringstream svg;
    svg << file.rdbuf();
    EXPECT_NE(svg.str().find("<svg"), std::string::npos);
    EXPECT_NE(svg.str().find("least-squares fit"), std::string::npos);
    EXPECT_NE(svg.str().find("</svg>"), std::string::npos);
}

TEST(CliDrift, TextNamesRateAndPrediction) {
    const auto r =
        run_cli({"drift", "--observe", "2025-01-01T00:00:10Z,0", "--observe",
                 "2026-01-01T00:00:10Z,-20", "--window", "3", "--time", "2026-01-01T00:00:10Z"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("drift rate: -19."), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("leaves ±1 step around the stored offset (-20 steps)"), std::string::npos);
    EXPECT_NE(r.out.find("leaves ±3 steps"), std::string::npos);
}

TEST(CliDrift, BadInput) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"drift"}, "give either --token"},
        {{"drift", "--observe", "1000,0"}, "at least two"},
        {{"drift", "--observe", "1000,0", "--observe", "1000,3"}, "same time"},
        {{"drift", "--observe", "1000"}, "expected TIME,STEPS"},
        {{"drift", "--observe", "yesterday,1", "--observe", "1000,0"}, "--observe yesterday,1"},
    };
    for (const auto& [args, message] : cases) {
        const auto r = run_cli(args);
        EXPECT_EQ(r.exit_code, 2) << message;
        EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    }
}

// --token reads the registry given (the test's own, holding another token): an unknown serial is
// bad input naming the serial, the registry and where to look.
TEST(CliDrift, TokenNotInTheRegistryIsNamed) {
    TempDir dir;
    CliOptions options;
    options.env = {{"HWTOTP_DB", dir.file("tokens.db")}, {"HWTOTP_KEY_FILE", ""}};
    {
        std::ofstream csv(dir.file("other.csv"));
        csv << "GAKT00000009,3132333435363738393031323334353637383930\n";
    }
    ASSERT_EQ(run_cli({"import", dir.file("other.csv")}, options).exit_code, 0);
    const auto r = run_cli({"drift", "--token", "GAKT12345678"}, options);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err,
              "hwtotp: error: --token GAKT12345678: no token with serial GAKT12345678 in "
              "the registry " +
                  dir.file("tokens.db") + " (see: hwtotp tokens list)\n");
}

}  // namespace
}  // namespace hwtotp::test
