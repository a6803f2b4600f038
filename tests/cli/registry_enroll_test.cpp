// check, resync, drift and verify with --token: the registry holds the seed, the offset and
// its history. Codes come from `hwtotp code --hex` with the token's seed.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "code_source.h"
#include "run_cli.h"

// Its own namespace: the unity build compiles several test files as one unit, where
// file-local names (params, year, serial) of two files would collide.
namespace hwtotp::test::registry_enroll_test {
namespace {

const std::string pskc = std::string(HWTOTP_VECTORS_DIR) + "/pskc/pp-plain.pskcxml";
const std::string serial = "GAKT00000001";
constexpr const char* seed_hex = "0102030405060708090a0b0c0d0e0f1011121314";
constexpr std::int64_t year = 31'557'600;

class RegistryEnroll : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_EQ(hw({"import", pskc}).exit_code, 0); }
    CliResult hw(std::vector<std::string> args) const {
        CliOptions options;
        options.env = {{"HWTOTP_DB", dir.file("reg/tokens.db")}, {"HWTOTP_KEY_FILE", ""}};
        return run_cli(args, options);
    }
    // The code the token shows when its own clock reads `t`.
    static std::string code(std::int64_t t) {
        const auto r = run_cli({"code", "--hex", seed_hex, "--time", std::to_string(t)});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out.substr(0, 6);
    }
    // Resync at true time t for a token whose clock reads t + offset(t).
    nlohmann::json resync(std::int64_t t, std::int64_t offset) const {
        const auto r = hw({"--json", "resync", "--token", serial, "--code1", code(t + offset - 30),
                           "--code2", code(t + offset), "--time", std::to_string(t)});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return nlohmann::json::parse(r.out);
    }
    TempDir dir;
};

TEST_F(RegistryEnroll, CheckTakesSeedAndSerialFromTheRegistry) {
    const auto r = hw({"--json", "check", "--token", serial, "--code1", code(base_time - 30),
                       "--code2", code(base_time), "--time", std::to_string(base_time)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["serial"], serial);
    EXPECT_EQ(j["verdict"], "ready");
}

TEST_F(RegistryEnroll, SerialThatIsNotTheTokensIsAnError) {
    const auto r =
        hw({"check", "--token", serial, "--serial", "GAKT99999999", "--code1", code(base_time - 30),
            "--code2", code(base_time), "--time", std::to_string(base_time)});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("does not match the seed's serial GAKT00000001"), std::string::npos)
        << r.err;
}

TEST_F(RegistryEnroll, UnknownTokenFollowsTheRegistryConvention) {
    const auto r =
        hw({"resync", "--token", "NOPE00000000", "--code1", "123456", "--code2", "654321"});
    EXPECT_EQ(r.exit_code, 2) << r.err;  // not_found, as `tokens show` reports it
    EXPECT_NE(r.err.find("NOPE00000000"), std::string::npos);
}

TEST_F(RegistryEnroll, ResyncStoresTheOffsetAndRefusesOldCodes) {
    const auto j = resync(base_time, 7200);
    EXPECT_EQ(j["offset_steps"], 240);
    EXPECT_TRUE(j["stored"].get<bool>());
    const auto show = hw({"--json", "tokens", "show", serial});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    EXPECT_NE(show.out.find("240"), std::string::npos) << show.out;
    // The same codes again: their step is not after the last accepted one.
    const auto again =
        hw({"resync", "--token", serial, "--code1", code(base_time + 7170), "--code2",
            code(base_time + 7200), "--time", std::to_string(base_time + 5)});
    EXPECT_EQ(again.exit_code, 5) << again.err;
    EXPECT_EQ(again.err, "hwtotp: error: --token " + serial +
                             ": code 2's step is not after the last accepted step (codes used "
                             "before); read two new codes\n");
    // A code from the token's drifted clock now verifies within ±1 around the stored offset.
    const auto v = hw({"verify", "--token", serial, code(base_time + 7260), "--time",
                       std::to_string(base_time + 60)});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(RegistryEnroll, DriftFromTwoResyncsAYearApartAndAPredictedVerify) {
    const double ppm = 35;
    const std::int64_t t1 = base_time;
    const auto offset = [&](std::int64_t t) {
        return static_cast<std::int64_t>(std::floor(ppm * 1e-6 * static_cast<double>(t - t1)));
    };
    resync(t1, offset(t1));
    const std::int64_t t2 = t1 + year;
    resync(t2, offset(t2));
    const std::string plot = dir.file("drift.svg");
    const auto d =
        hw({"--json", "drift", "--token", serial, "--time", std::to_string(t2), "--plot", plot});
    ASSERT_EQ(d.exit_code, 0) << d.err;
    const auto j = nlohmann::json::parse(d.out);
    EXPECT_NEAR(j["rate_ppm"].get<double>(), ppm, 1.0);
    EXPECT_EQ(j["observations"].size(), 2U);  // the import entry is not an observation
    EXPECT_EQ(j["observations"][1]["how"], "resync");

    // Two months on, the token has drifted ~6 steps past the stored offset: a ±1 window around
    // the stored offset misses it, the drift-predicted centre finds it.
    const std::int64_t t3 = t2 + year / 6;
    const auto v = hw({"--json", "verify", "--token", serial, code(t3 + offset(t3)), "--time",
                       std::to_string(t3)});
    ASSERT_EQ(v.exit_code, 0) << v.out << v.err;
    const auto vj = nlohmann::json::parse(v.out);
    EXPECT_EQ(vj["centred_on"], "drift_prediction");
    EXPECT_GE(vj["centre_offset_steps"].get<std::int64_t>(),
              j["window_centre_steps"].get<std::int64_t>() + 5);
}

TEST_F(RegistryEnroll, DriftNeedsTwoObservations) {
    resync(base_time, 0);
    const auto d = hw({"drift", "--token", serial});
    EXPECT_EQ(d.exit_code, 2);
    EXPECT_NE(d.err.find("at least two"), std::string::npos) << d.err;
}

}  // namespace
}  // namespace hwtotp::test::registry_enroll_test
