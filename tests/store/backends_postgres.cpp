// store_postgres_tests: the parameterised registry suites run against PostgreSQL, on one
// throwaway server started before the first test and stopped after the last (even when tests
// fail), one database per test.

#include <memory>

#include "backend_param.h"
#include "postgres_server.h"
#include "store_test_util.h"

namespace hwtotp::test {
namespace {

std::unique_ptr<PostgresServer>& server_slot() {
    static std::unique_ptr<PostgresServer> server;
    return server;
}

std::string& reason_slot() {
    static std::string reason;
    return reason;
}

class PostgresEnvironment : public ::testing::Environment {
  public:
    void SetUp() override {
        server_slot() = PostgresServer::start(reason_slot());
        if (!server_slot())
            std::fprintf(stderr, "PostgreSQL tests skipped: %s\n", reason_slot().c_str());
    }
    void TearDown() override { server_slot().reset(); }
};

[[maybe_unused]] ::testing::Environment* const environment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

}  // namespace

PostgresServer* postgres_server() {
    return server_slot().get();
}

const std::string& postgres_unavailable_reason() {
    return reason_slot();
}

}  // namespace hwtotp::test

namespace hwtotp::store::test {

const std::vector<Backend>& backends_under_test() {
    static const std::vector<Backend> backends{Backend::postgres};
    return backends;
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::sqlite ? "sqlite" : "postgres";
}

RegistryPaths backend_paths(const hwtotp::test::TempDir& dir, Backend backend) {
    if (backend == Backend::sqlite)
        return paths_in(dir);
    auto* server = hwtotp::test::postgres_server();
    if (server == nullptr)
        return {};
    return RegistryPaths{server->create_database(), dir.file("tokens.key")};
}

std::string backend_unavailable_reason(Backend) {
    return hwtotp::test::postgres_unavailable_reason();
}

}  // namespace hwtotp::store::test
