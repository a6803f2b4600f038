#include "postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "other_user.h"

namespace hwtotp::test {
namespace {

namespace fs = std::filesystem;

// The bin directory of the newest installed server version, or empty.
std::string newest_server_bin() {
    const fs::path root = "/usr/lib/postgresql";
    std::error_code ec;
    int best = -1;
    std::string bin;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
        const std::string version = entry.path().filename().string();
        const int major = std::atoi(version.c_str());
        if (major > best && fs::exists(entry.path() / "bin" / "initdb") &&
            fs::exists(entry.path() / "bin" / "pg_ctl")) {
            best = major;
            bin = (entry.path() / "bin").string();
        }
    }
    return bin;
}

struct ConnFinish {
    void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultClear {
    void operator()(PGresult* result) const { PQclear(result); }
};

}  // namespace

std::unique_ptr<PostgresServer> PostgresServer::start(std::string& why) {
    const std::string bin = newest_server_bin();
    if (bin.empty()) {
        why =
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (install the "
            "postgresql package; CI does)";
        return nullptr;
    }
    // Short, under /tmp: a Unix socket path holds at most 107 bytes.
    std::string templ = "/tmp/hwtotp-pg-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr)
        throw std::runtime_error("mkdtemp for the PostgreSQL server failed");
    std::unique_ptr<PostgresServer> server(new PostgresServer(bin, templ));
    server->owner_pid_ = static_cast<int>(::getpid());
    if (can_switch_user())
        give_to(templ, nobody_uid);
    if (server->run("initdb", {"-D", templ + "/data", "-U", "hwtotp", "--auth=trust", "-E", "UTF8",
                               "--no-sync", "--no-instructions"}) != 0) {
        throw std::runtime_error("initdb failed: see " + templ + "/server.log");
    }
    server->start_server();
    return server;
}

void PostgresServer::start_server() const {
    // Unix socket only, in the private directory; fsync off: a throwaway server that only a
    // killed client or an immediate stop (not a power cut) ever interrupts.
    const std::string options = "-c listen_addresses='' -c unix_socket_directories=" + dir_ +
                                " -c fsync=off -c max_connections=200";
    if (run("pg_ctl", {"-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w", "-t", "60", "-o",
                       options, "start"}) != 0) {
        throw std::runtime_error("pg_ctl start failed: see " + dir_ + "/server.log");
    }
}

PostgresServer::~PostgresServer() {
    if (static_cast<int>(::getpid()) != owner_pid_)
        return;  // a forked child
    (void)run("pg_ctl", {"-D", dir_ + "/data", "-w", "-m", "fast", "stop"});
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

int PostgresServer::run(const std::string& program, const std::vector<std::string>& args) const {
    const std::string path = bin_ + "/" + program;
    std::vector<std::string> argv{path};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string log = dir_ + "/tool.log";
    const bool switch_user = can_switch_user();
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (switch_user) {
            const auto id = static_cast<gid_t>(nobody_uid);
            if (::setgroups(0, nullptr) != 0 || ::setgid(id) != 0 || ::setuid(nobody_uid) != 0)
                ::_exit(126);
        }
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        std::vector<char*> raw;
        for (auto& a : argv)
            raw.push_back(a.data());
        raw.push_back(nullptr);
        ::execv(path.c_str(), raw.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string PostgresServer::uri(const std::string& name) const {
    return "postgresql:///" + name + "?host=" + dir_ + "&user=hwtotp";
}

std::string PostgresServer::sql(const std::string& name, const std::string& statement) const {
    std::unique_ptr<PGconn, ConnFinish> conn(PQconnectdb(uri(name).c_str()));
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error(std::string("connect: ") + PQerrorMessage(conn.get()));
    std::unique_ptr<PGresult, ResultClear> result(PQexec(conn.get(), statement.c_str()));
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw std::runtime_error(statement + ": " + PQerrorMessage(conn.get()));
    std::string out;
    for (int r = 0; r < PQntuples(result.get()); ++r) {
        if (r > 0)
            out += "\n";
        out += PQgetvalue(result.get(), r, 0);
    }
    return out;
}

std::string PostgresServer::create_database() {
    const std::string name = "hwtotp_test_" + std::to_string(++databases_);
    (void)sql("postgres", "CREATE DATABASE " + name);
    return uri(name);
}

void PostgresServer::crash() {
    if (run("pg_ctl", {"-D", dir_ + "/data", "-w", "-m", "immediate", "stop"}) != 0)
        throw std::runtime_error("pg_ctl stop -m immediate failed");
}

void PostgresServer::restart() {
    start_server();
}

}  // namespace hwtotp::test
