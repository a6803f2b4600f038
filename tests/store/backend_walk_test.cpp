// Registry::for_each_token and for_each_token_info, run against every backend (backend_param.h):
// the order of the walk, a subset by serials, an absent serial refused before any visit, an
// error of the visitor ending the walk, and the seeds get() gives.

#include <gtest/gtest.h>

#include "backend_param.h"
#include "hwtotp/store/registry.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace backend_walk_test {

using test::TempDir;

constexpr const char* seed_a = "3132333435363738393031323334353637383930";

// A distinct 20-byte seed per token, so that a seed given to the wrong token shows.
std::string seed_of(int i) {
    char hex[41];
    std::snprintf(hex, sizeof hex, "%040x", 0x1000 + i);
    return hex;
}

class RegistryWalk : public ::testing::TestWithParam<test::Backend> {
  protected:
    void SetUp() override { HWTOTP_BACKEND_PATHS_OR_SKIP(paths, dir, GetParam()); }

    // Tokens W0000..W(count-1), imported in reverse order, each with seed_of(i).
    Registry open_with(int count) {
        auto registry = test::open_registry(paths);
        auto import = registry.begin_import(false, 1'700'000'000);
        EXPECT_TRUE(import);
        for (int i = count - 1; i >= 0; --i)
            EXPECT_TRUE(import->add(test::make_token(serial(i), seed_of(i)), "record"));
        EXPECT_TRUE(import->commit());
        return registry;
    }

    static std::string serial(int i) {
        char text[16];
        std::snprintf(text, sizeof text, "W%04d", i);
        return text;
    }

    // The serials a walk of `serials` visits, each checked against get().
    static std::vector<std::string> walked(Registry& registry,
                                           const std::vector<std::string>& serials) {
        std::vector<std::string> seen;
        auto ok = registry.for_each_token(serials, [&](const Token& token) -> Result<void> {
            seen.push_back(token.info.description.serial);
            auto got = registry.get(token.info.description.serial);
            EXPECT_TRUE(got);
            EXPECT_EQ(test::hex_of(token.seed), test::hex_of(got->seed));
            return {};
        });
        EXPECT_TRUE(ok) << ok.error().message;
        return seen;
    }

    TempDir dir;
    RegistryPaths paths;
};

// More tokens than one of PostgreSQL's cursor batches (256).
TEST_P(RegistryWalk, AllTokensComeInSerialOrderWithTheSeedsGetGives) {
    constexpr int count = 600;
    auto registry = open_with(count);
    const auto seen = walked(registry, {});
    ASSERT_EQ(seen.size(), static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        ASSERT_EQ(seen[static_cast<std::size_t>(i)], serial(i));
    std::size_t infos = 0;
    ASSERT_TRUE(registry.for_each_token_info({}, [&](const TokenInfo& info) -> Result<void> {
        EXPECT_EQ(info.description.serial, serial(static_cast<int>(infos++)));
        return {};
    }));
    EXPECT_EQ(infos, static_cast<std::size_t>(count));
}

TEST_P(RegistryWalk, NamedSerialsComeInTheirOrderARepeatedOneAgain) {
    auto registry = open_with(5);
    const std::vector<std::string> named{"W0003", "W0000", "W0004", "W0000"};
    EXPECT_EQ(walked(registry, named), named);
}

TEST_P(RegistryWalk, AnEmptyRegistryVisitsNothing) {
    auto registry = test::open_registry(paths);
    EXPECT_TRUE(walked(registry, {}).empty());
}

TEST_P(RegistryWalk, AnAbsentSerialIsNotFoundBeforeAnyTokenIsVisited) {
    auto registry = open_with(3);
    int visits = 0;
    auto walk = registry.for_each_token({"W0000", "NOPE0001", "W0001"}, [&](const Token&) {
        ++visits;
        return Result<void>{};
    });
    ASSERT_FALSE(walk);
    EXPECT_EQ(walk.error().code, ErrorCode::not_found);
    EXPECT_NE(walk.error().message.find("no token with serial NOPE0001 in the registry"),
              std::string::npos)
        << walk.error().message;
    EXPECT_EQ(visits, 0);
    auto info_walk = registry.for_each_token_info({"NOPE0002"}, [&](const TokenInfo&) {
        ++visits;
        return Result<void>{};
    });
    ASSERT_FALSE(info_walk);
    EXPECT_EQ(info_walk.error().code, ErrorCode::not_found);
    EXPECT_EQ(visits, 0);
}

// The error comes back as it was; the walk's snapshot is over, so the registry reads and
// writes as before (another walk, an import).
TEST_P(RegistryWalk, AnErrorOfTheVisitorStopsTheWalkAndIsReturned) {
    auto registry = open_with(400);
    for (const std::vector<std::string>& serials :
         {std::vector<std::string>{}, std::vector<std::string>{"W0001", "W0002", "W0003"}}) {
        int visits = 0;
        auto walk = registry.for_each_token(serials, [&](const Token&) -> Result<void> {
            if (++visits == 2)
                return fail(ErrorCode::io, "disk full while writing");
            return {};
        });
        ASSERT_FALSE(walk);
        EXPECT_EQ(walk.error().code, ErrorCode::io);
        EXPECT_EQ(walk.error().message, "disk full while writing");
        EXPECT_EQ(visits, 2);
    }
    EXPECT_EQ(walked(registry, {"W0399"}), std::vector<std::string>{"W0399"});
    auto import = registry.begin_import(false, 1'700'000'001);
    ASSERT_TRUE(import) << import.error().message;
    ASSERT_TRUE(import->add(test::make_token("X0001", seed_a), "record"));
    ASSERT_TRUE(import->commit());
    EXPECT_EQ(walked(registry, {}).size(), 401U);
}

HWTOTP_INSTANTIATE_FOR_BACKENDS(RegistryWalk);

}  // namespace backend_walk_test
}  // namespace hwtotp::store
