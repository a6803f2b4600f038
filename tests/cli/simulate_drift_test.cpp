// The device layer's simulated display token (drifting clock) through enrollment, resync and
// the drift fit: `hwtotp simulate` shows the codes, the commands under test diagnose them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "code_source.h"
#include "run_cli.h"

namespace hwtotp::test {
namespace {

constexpr std::int64_t year = 31'557'600;

// Two presses one period apart, ending at `t`: what a person reads for a resync at t.
std::vector<std::string> presses(const SeedFile& seed, double ppm, std::int64_t since,
                                 std::int64_t t, std::int64_t offset = 0) {
    const auto r =
        run_cli({"simulate", "--serial", "GAKT12345678", "--secret-file", seed.path(),
                 "--drift-ppm", std::to_string(ppm), "--since", std::to_string(since), "--offset",
                 std::to_string(offset), "--time", std::to_string(t - 30), "--presses", "2"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return lines(r.out);
}

TEST(SimulatedToken, EnrollPairFromAnInSyncTokenIsReady) {
    SeedFile seed;
    const auto codes = presses(seed, 0, base_time, base_time);
    const auto r =
        run_cli({"--json", "check", "--serial", "GAKT12345678", "--code1", codes[0], "--code2",
                 codes[1], "--secret-file", seed.path(), "--time", std::to_string(base_time)});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["verdict"], "ready");
}

TEST(SimulatedToken, ThirtyFivePpmRecoveredFromTwoResyncsAYearApart) {
    SeedFile seed;
    const std::int64_t since = base_time - 86400;
    std::vector<std::string> observe;
    for (std::int64_t t : {base_time, base_time + year}) {
        const auto codes = presses(seed, 35, since, t);
        const auto r = run_cli({"--json", "resync", "--secret-file", seed.path(), "--code1",
                                codes[0], "--code2", codes[1], "--time", std::to_string(t)});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const auto k = nlohmann::json::parse(r.out)["offset_steps"].get<std::int64_t>();
        observe.insert(observe.end(), {"--observe", std::to_string(t) + "," + std::to_string(k)});
    }
    std::vector<std::string> args{"--json", "drift"};
    args.insert(args.end(), observe.begin(), observe.end());
    const auto d = run_cli(args);
    ASSERT_EQ(d.exit_code, 0) << d.err;
    EXPECT_NEAR(nlohmann::json::parse(d.out)["rate_ppm"].get<double>(), 35.0, 1.0);
}

TEST(SimulatedToken, ThreeMinutesFastIsDiagnosed) {
    SeedFile seed;
    const auto codes = presses(seed, 0, base_time, base_time, 180);  // clock 180 s ahead
    const auto r =
        run_cli({"check", "--serial", "GAKT12345678", "--code1", codes[0], "--code2", codes[1],
                 "--secret-file", seed.path(), "--time", std::to_string(base_time)});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("token_fast"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace hwtotp::test
