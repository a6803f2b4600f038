#pragma once
// A throwaway PostgreSQL server for the tests of one test binary: initdb in a temporary
// directory, listening only on a Unix socket in that directory (no TCP port), run as nobody when
// the tests run as root (initdb refuses root), stopped and removed at the end. Each test gets a
// database of its own (create_database), so one server serves the whole binary.

#include <memory>
#include <string>
#include <vector>

namespace hwtotp::test {

class PostgresServer {
  public:
    // Starts a server from the newest /usr/lib/postgresql/<version>/bin. None, with `why`, when
    // the server binaries are not installed; a server that is installed but does not start
    // throws (a failure, not a skip).
    static std::unique_ptr<PostgresServer> start(std::string& why);
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;
    ~PostgresServer();  // pg_ctl stop -m fast, then the directory is removed

    // A new empty database; its connection URI (as the server's superuser, over the socket).
    [[nodiscard]] std::string create_database();
    // The URI of database `name` on this server.
    [[nodiscard]] std::string uri(const std::string& name) const;
    // Runs one SQL statement as the superuser in database `name`; its first column, one line
    // per row. Throws on failure.
    std::string sql(const std::string& name, const std::string& statement) const;

    // pg_ctl stop -m immediate: every connection dropped at once, as in a crash.
    void crash();
    // pg_ctl start again after crash().
    void restart();

  private:
    PostgresServer(std::string bin, std::string dir) : bin_(std::move(bin)), dir_(std::move(dir)) {}
    // Runs a server program as the server's user; its exit status.
    int run(const std::string& program, const std::vector<std::string>& args) const;
    void start_server() const;

    std::string bin_;
    std::string dir_;
    int databases_ = 0;
    int owner_pid_ = 0;
};

// The server of this test binary, started once before the first test (a gtest Environment in
// postgres_environment.cpp); null when PostgreSQL is not installed.
[[nodiscard]] PostgresServer* postgres_server();
// Why postgres_server() is null.
[[nodiscard]] const std::string& postgres_unavailable_reason();

}  // namespace hwtotp::test
