// Where the registry and its key are: a PostgreSQL URI is not a file path.

#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "hwtotp/store/hints.h"
#include "hwtotp/store/paths.h"

namespace hwtotp::store {
namespace paths_test {

// Sets an environment variable for one test, restoring the old value after.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name))  // NOLINT(concurrency-mt-unsafe): test thread
            old_ = old;
        set(value);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    ~ScopedEnv() { set(old_ ? old_->c_str() : nullptr); }

  private:
    void set(const char* value) {
        // NOLINTBEGIN(concurrency-mt-unsafe): the test's only thread
        if (value == nullptr)
            ::unsetenv(name_);
        else
            ::setenv(name_, value, 1);
        // NOLINTEND(concurrency-mt-unsafe)
    }
    const char* name_;
    std::optional<std::string> old_;
};

TEST(RegistryPaths, AConnectionUriIsPostgresAndAPathIsNot) {
    EXPECT_TRUE(is_postgres_uri("postgresql:///hwtotp?host=/run/postgresql"));
    EXPECT_TRUE(is_postgres_uri("postgres://db.example.org/hwtotp"));
    EXPECT_FALSE(is_postgres_uri("/var/lib/hwtotp/tokens.db"));
    EXPECT_FALSE(is_postgres_uri("postgresql.db"));
    EXPECT_FALSE(is_postgres_uri("./postgresql://x"));
}

TEST(RegistryPaths, AUrisKeyIsTheDefaultLocalKeyNotAFileBesideTheUri) {
    ScopedEnv key("HWTOTP_KEY_FILE", nullptr);
    ScopedEnv data("XDG_DATA_HOME", "/data");
    auto paths = resolve_registry_paths("postgresql:///hwtotp?host=/run/postgresql");
    ASSERT_TRUE(paths);
    EXPECT_TRUE(paths->is_postgres());
    EXPECT_EQ(paths->db, "postgresql:///hwtotp?host=/run/postgresql");
    EXPECT_EQ(paths->key, "/data/hwtotp/tokens.key");
}

TEST(RegistryPaths, HwtotpKeyFileWinsForAUriAndHwtotpDbMayBeOne) {
    ScopedEnv key("HWTOTP_KEY_FILE", "/etc/hwtotp/tokens.key");
    ScopedEnv db("HWTOTP_DB", "postgres://db.example.org/hwtotp");
    auto paths = resolve_registry_paths("");
    ASSERT_TRUE(paths);
    EXPECT_EQ(paths->db, "postgres://db.example.org/hwtotp");
    EXPECT_EQ(paths->key, "/etc/hwtotp/tokens.key");
}

TEST(RegistryPaths, NoLocationAtAllIsRefusedWithoutNamingACommandLineOption) {
    ScopedEnv db("HWTOTP_DB", nullptr);
    ScopedEnv data("XDG_DATA_HOME", nullptr);
    ScopedEnv home("HOME", nullptr);
    auto paths = resolve_registry_paths("");
    ASSERT_FALSE(paths);
    const std::string& message = paths.error().message;
    EXPECT_EQ(paths.error().code, ErrorCode::registry);
    EXPECT_EQ(message.find("--"), std::string::npos) << message;
    EXPECT_NE(message.find(hint::name_registry), std::string::npos) << message;
    EXPECT_NE(message.find("HWTOTP_DB"), std::string::npos) << message;
}

}  // namespace paths_test
}  // namespace hwtotp::store
