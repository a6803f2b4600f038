#pragma once
// Registry suites run against each storage backend: a TEST_P fixture takes a Backend and opens
// its registry at backend_paths(). Which backends a test binary runs is decided by the binary:
// store_unit_tests runs SQLite (backends_sqlite.cpp), store_postgres_tests runs PostgreSQL
// against its own throwaway server (backends_postgres.cpp), so the same test source covers both.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hwtotp/store/paths.h"
#include "run_cli.h"

namespace hwtotp::store::test {

enum class Backend { sqlite, postgres };

// The backends this test binary runs the parameterised suites against.
[[nodiscard]] const std::vector<Backend>& backends_under_test();

// "sqlite" or "postgres", for test names.
[[nodiscard]] std::string backend_name(const ::testing::TestParamInfo<Backend>& info);

// Where a registry of `backend` lives for a test: <dir>/tokens.db, or a fresh database of the
// test server; the key is <dir>/tokens.key either way. Empty when the backend is unavailable
// (the caller skips; see backend_unavailable_reason).
[[nodiscard]] RegistryPaths backend_paths(const hwtotp::test::TempDir& dir, Backend backend);
[[nodiscard]] std::string backend_unavailable_reason(Backend backend);

}  // namespace hwtotp::store::test

// In a fixture's SetUp: paths of `backend` for `dir`, or GTEST_SKIP saying why there are none.
#define HWTOTP_BACKEND_PATHS_OR_SKIP(paths, dir, backend)                               \
    do {                                                                                \
        (paths) = ::hwtotp::store::test::backend_paths((dir), (backend));               \
        if ((paths).db.empty())                                                         \
            GTEST_SKIP() << ::hwtotp::store::test::backend_unavailable_reason(backend); \
    } while (false)

// Runs a TEST_P suite over this binary's backends.
#define HWTOTP_INSTANTIATE_FOR_BACKENDS(suite)                                                  \
    INSTANTIATE_TEST_SUITE_P(Backends, suite,                                                   \
                             ::testing::ValuesIn(::hwtotp::store::test::backends_under_test()), \
                             ::hwtotp::store::test::backend_name)
