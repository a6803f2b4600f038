// store_unit_tests: the parameterised registry suites run against SQLite.

#include "backend_param.h"
#include "store_test_util.h"

namespace hwtotp::store::test {

const std::vector<Backend>& backends_under_test() {
    static const std::vector<Backend> backends{Backend::sqlite};
    return backends;
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::sqlite ? "sqlite" : "postgres";
}

RegistryPaths backend_paths(const hwtotp::test::TempDir& dir, Backend backend) {
    return backend == Backend::sqlite ? paths_in(dir) : RegistryPaths{};
}

std::string backend_unavailable_reason(Backend) {
    return "PostgreSQL suites run in store_postgres_tests";
}

}  // namespace hwtotp::store::test
