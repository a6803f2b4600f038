// The device layer's simulated display token (drifting clock) through enrollment, resync and
// the drift fit: `hwtotp simulate` shows the codes, the commands under test diagnose them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "code_source.h"
#include "run_cli.h"

// Its own namespace: the unity build compiles several test files as one unit, where
// file-local names (params, year, serial) of two files would collide.
namespace hwtotp::test::simulate_drift_test {
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

// Issue 14: a battery change restarts a token's clock at 1970. In 2027 that is an offset of
// about -1.8e9 s, which simulate used to refuse (it stopped at ±1e9); resync --search-window all
// exists for exactly this token. One search over every step (~81 M, a few seconds).
TEST(SimulatedToken, ClockResetTo1970IsFoundBySearchWindowAll) {
    SeedFile seed;
    const std::int64_t t = 1'803'859'210;        // 2027-03-01T00:00:10Z
    const std::int64_t offset = -1'800'000'000;  // the token's clock: 1970-02-14
    const auto codes = presses(seed, 0, t, t, offset);
    ASSERT_EQ(codes.size(), 2U);
    // What the token shows is what any TOTP shows at the token's own clock.
    EXPECT_EQ(codes, codes_at(seed, t - 30 + offset)) << "simulate's codes are not code --time's";

    const auto r =
        run_cli({"--json", "resync", "--secret-file", seed.path(), "--code1", codes[0], "--code2",
                 codes[1], "--search-window", "all", "--time", std::to_string(t)});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["offset_steps"].get<std::int64_t>(), offset / 30);  // -60,000,000 steps
}

// Offsets are bounded by what keeps the token's clock valid, not by a fixed ±1e9: the message
// states the range for this --time, and its ends are accepted.
TEST(SimulatedToken, OffsetRangeFollowsTheClockAndItsEndsAreAccepted) {
    SeedFile seed;
    auto simulate = [&](const std::string& offset) {
        return run_cli({"simulate", "--serial", "GAKT12345678", "--secret-file", seed.path(),
                        "--time", "100", "--offset", offset});
    };
    EXPECT_EQ(simulate("-100").exit_code, 0);  // the token shows 1970-01-01T00:00:00Z
    EXPECT_EQ(simulate("9223372036854775707").exit_code, 0);  // the last second of int64
    const auto before = simulate("-101");
    EXPECT_EQ(before.exit_code, 2);
    EXPECT_EQ(before.err,
              "hwtotp: error: --offset '-101' is not accepted (accepted with these --time, "
              "--since, --drift-ppm and --presses: a whole number from -100 to "
              "9223372036854775707, which keeps the token's clock at or after T0 = "
              "1970-01-01T00:00:00Z and within 64-bit time)\n");
    std::string past_the_end = before.err;  // the same range, whichever end is crossed
    past_the_end.replace(past_the_end.find("'-101'"), 6, "'9223372036854775708'");
    EXPECT_EQ(simulate("9223372036854775708").err, past_the_end);
}

}  // namespace
}  // namespace hwtotp::test::simulate_drift_test
