// enroll's waiting, run in-process with a fake clock: the injected sleeper advances the clock,
// so the countdown to each step boundary is exercised without sleeping on wall-clock time.
#include <gtest/gtest.h>

#include <sstream>

#include "app.h"
#include "code_source.h"

namespace hwtotp::test {
namespace {

struct FakeClock {
    std::int64_t ms = 0;
    std::int64_t slept_ms = 0;
};

cli::Context context(std::ostream& out, std::ostream& err, std::istream& in, FakeClock& clock,
                     bool terminal) {
    return cli::Context{
        .out = out,
        .err = err,
        .in = in,
        .now = [&clock] { return clock.ms / 1000; },
        .sleep_ms =
            [&clock](std::int64_t ms) {
                clock.ms += ms;
                clock.slept_ms += ms;
            },
        .stdin_is_terminal = false,
        .stderr_is_terminal = terminal,
        .json = false,
        .db_path = {},
        .exit_code = 0,
    };
}

int run(cli::Context& ctx, std::vector<std::string> args) {
    args.insert(args.begin(), "hwtotp");
    std::vector<const char*> argv;
    for (const auto& a : args)
        argv.push_back(a.c_str());
    return cli::run(static_cast<int>(argv.size()), argv.data(), ctx);
}

TEST(EnrollClock, WaitsForTwoBoundariesAndIsReady) {
    SeedFile seed;
    // Start 10 s into a step. Code 1 is read at the next boundary (+20 s), code 2 at the one
    // after (+50 s); the check then runs in code 2's step.
    FakeClock clock{base_time * 1000, 0};
    const auto codes = codes_at(seed, base_time + 20, 2);
    std::istringstream in(codes[0] + "\n" + codes[1] + "\n");
    std::ostringstream out, err;
    auto ctx = context(out, err, in, clock, false);
    const int code = run(ctx, {"enroll", "--serial", "GAKT12345678", "--secret-file", seed.path()});
    EXPECT_EQ(code, 0) << out.str() << err.str();
    EXPECT_EQ(clock.ms / 1000, base_time + 50);
    EXPECT_NE(err.str().find("next step in: 20 s"), std::string::npos) << err.str();
    EXPECT_NE(err.str().find("the token shows its next code in: 30 s"), std::string::npos);
    // Code 2 was read at the start of its step: the whole of it plus the next remain.
    EXPECT_NE(out.str().find("READY: submit within 60 s"), std::string::npos) << out.str();
}

TEST(EnrollClock, TerminalCountdownRedrawsInPlace) {
    SeedFile seed;
    FakeClock clock{(base_time + 25) * 1000, 0};  // 5 s before a boundary
    const auto codes = codes_at(seed, base_time + 30, 2);
    std::istringstream in(codes[0] + "\n" + codes[1] + "\n");
    std::ostringstream out, err;
    auto ctx = context(out, err, in, clock, true);
    EXPECT_EQ(run(ctx, {"enroll", "--serial", "GAKT12345678", "--secret-file", seed.path()}), 0)
        << out.str() << err.str();
    EXPECT_NE(err.str().find("\r["), std::string::npos);
    EXPECT_NE(err.str().find("next step in: 5 s"), std::string::npos);
    EXPECT_EQ(clock.slept_ms % 200, 0);
}

TEST(EnrollClock, NoWaitNeverSleeps) {
    SeedFile seed;
    FakeClock clock{base_time * 1000, 0};
    const auto codes = codes_at(seed, base_time - 30, 2);
    std::istringstream in(codes[0] + "\n" + codes[1] + "\n");
    std::ostringstream out, err;
    auto ctx = context(out, err, in, clock, true);
    EXPECT_EQ(
        run(ctx, {"enroll", "--serial", "GAKT12345678", "--secret-file", seed.path(), "--no-wait"}),
        0);
    EXPECT_EQ(clock.slept_ms, 0);
}

}  // namespace
}  // namespace hwtotp::test
