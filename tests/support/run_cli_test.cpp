// The harness: every hwtotp run gets a registry location of its own, never the real user's.
// `env` stands in for hwtotp where only the environment a run gets matters.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "run_cli.h"

namespace hwtotp::test {
namespace {

// The environment a run gets, as NAME -> VALUE, when the test sets `given`.
std::map<std::string, std::string> environment_of_a_run(
    const std::map<std::string, std::string>& given = {}) {
    CliOptions options;
    options.env = given;
    options.binary = "/usr/bin/env";
    const auto r = run_cli({}, options);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, std::string> seen;
    for (const auto& line : lines(r.out)) {
        const auto eq = line.find('=');
        if (eq != std::string::npos)
            seen[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return seen;
}

std::string real_home() {
    const passwd* pw = ::getpwuid(::getuid());
    return pw != nullptr ? pw->pw_dir : "/root";
}

// Where the real user's registry lives by default.
std::string real_registry_dir() {
    return real_home() + "/.local/share/hwtotp";
}

TEST(RunCli, EachRunGetsItsOwnRegistryLocationOutsideTheRealHome) {
    const auto first = environment_of_a_run();
    const auto second = environment_of_a_run();
    for (const auto* env : {&first, &second}) {
        ASSERT_TRUE(env->contains("HOME"));
        ASSERT_TRUE(env->contains("XDG_DATA_HOME"));
        ASSERT_TRUE(env->contains("HWTOTP_DB"));
        EXPECT_FALSE(env->contains("HWTOTP_KEY_FILE"));  // beside HWTOTP_DB
        // One scratch directory per run holds all three.
        const std::string dir = std::filesystem::path(env->at("HOME")).parent_path();
        EXPECT_EQ(env->at("XDG_DATA_HOME"), dir + "/data");
        EXPECT_EQ(env->at("HWTOTP_DB"), dir + "/data/hwtotp/tokens.db");
        EXPECT_NE(env->at("HOME"), real_home());
        EXPECT_FALSE(env->at("HWTOTP_DB").starts_with(real_registry_dir()));
        // Removed once the run is over.
        EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
    }
    EXPECT_NE(first.at("HOME"), second.at("HOME"));
}

TEST(RunCli, VariablesTheTestSetsAreKeptAndDecideTheLocation) {
    const auto db = environment_of_a_run({{"HWTOTP_DB", "/x/tokens.db"}});
    EXPECT_EQ(db.at("HWTOTP_DB"), "/x/tokens.db");
    EXPECT_FALSE(db.contains("HWTOTP_KEY_FILE"));
    EXPECT_NE(db.at("HOME"), real_home());

    // A test that gives XDG_DATA_HOME or HOME checks the default location: HWTOTP_DB stays
    // unset so that it decides.
    const auto xdg = environment_of_a_run({{"XDG_DATA_HOME", "/x/data"}});
    EXPECT_EQ(xdg.at("XDG_DATA_HOME"), "/x/data");
    EXPECT_FALSE(xdg.contains("HWTOTP_DB"));
    const auto home = environment_of_a_run({{"HOME", "/x/home"}});
    EXPECT_EQ(home.at("HOME"), "/x/home");
    EXPECT_FALSE(home.contains("XDG_DATA_HOME"));
    EXPECT_FALSE(home.contains("HWTOTP_DB"));

    const auto empty_key = environment_of_a_run({{"HWTOTP_KEY_FILE", ""}});
    EXPECT_EQ(empty_key.at("HWTOTP_KEY_FILE"), "");
}

TEST(RunCli, TheDevelopersOwnRegistryVariablesNeverReachARun) {
    // As if the developer had exported them before running the suite.
    std::map<std::string, std::string> saved;
    for (const char* name : registry_variables) {
        if (const char* value = std::getenv(name))  // NOLINT(concurrency-mt-unsafe)
            saved[name] = value;
        ::setenv(name, "/home/developer/real", 1);  // NOLINT(concurrency-mt-unsafe)
    }
    const auto env = environment_of_a_run();
    for (const char* name : registry_variables) {
        ::unsetenv(name);  // NOLINT(concurrency-mt-unsafe)
        if (saved.contains(name))
            ::setenv(name, saved[name].c_str(), 1);  // NOLINT(concurrency-mt-unsafe)
    }
    for (const char* name : {"HOME", "XDG_DATA_HOME", "HWTOTP_DB"})
        EXPECT_FALSE(env.at(name).starts_with("/home/developer/real")) << name;
    EXPECT_FALSE(env.contains("HWTOTP_KEY_FILE"));
}

TEST(RunCli, TheTestProcessItselfPointsIntoAScratchDirectory) {
    // process_sandbox.cpp ran before main(): in-process CLI runs see these.
    const char* home = std::getenv("HOME");     // NOLINT(concurrency-mt-unsafe)
    const char* db = std::getenv("HWTOTP_DB");  // NOLINT(concurrency-mt-unsafe)
    ASSERT_NE(home, nullptr);
    ASSERT_NE(db, nullptr);
    EXPECT_NE(std::string(home), real_home());
    EXPECT_NE(std::string(home).find("/hwtotp-process-"), std::string::npos) << home;
    EXPECT_NE(std::string(db).find("/hwtotp-process-"), std::string::npos) << db;
    EXPECT_EQ(std::getenv("HWTOTP_KEY_FILE"), nullptr);  // NOLINT(concurrency-mt-unsafe)
}

// The bug this harness fixes: `drift --token` without HWTOTP_DB created the real
// ~/.local/share/hwtotp/tokens.db. Now the registry it looks for is the run's own (and, since
// only import creates a registry, it finds none there).
TEST(RunCli, RegistryCommandWithoutALocationLooksInTheRunsOwnDirectory) {
    const auto r = run_cli({"code", "--token", "NOPE0001"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    const std::string marker = "no registry at ";
    const auto at = r.err.find(marker);
    ASSERT_NE(at, std::string::npos) << r.err;
    const std::string db =
        r.err.substr(at + marker.size(), r.err.find(' ', at + marker.size()) - at - marker.size());
    EXPECT_TRUE(db.ends_with("/data/hwtotp/tokens.db")) << db;
    EXPECT_FALSE(db.starts_with(real_registry_dir())) << db;
    EXPECT_FALSE(std::filesystem::exists(db)) << "the run's directory outlived it: " << db;
}

}  // namespace
}  // namespace hwtotp::test
