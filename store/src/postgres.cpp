// libpq adapter: connection and result owners; errors become ErrorCode::registry.

#include "postgres.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <utility>

#include "hwtotp/totp/codec.h"
#include "hwtotp/totp/terminal_text.h"
#include "libpq.h"

namespace hwtotp::store::pg {
namespace {

// OIDs of the types parameters are sent as (pg_type.h; stable since PostgreSQL 7).
constexpr Oid int8_oid = 20;
constexpr Oid text_oid = 25;
constexpr Oid bytea_oid = 17;

// A statement rolled back whole by a conflict with another transaction: safe to run again.
constexpr std::string_view serialization_failure = "40001";
constexpr std::string_view deadlock_detected = "40P01";
constexpr int max_tries = 5;

// Bounds on every wait of a session: a statement, a lock, a transaction left idle by a client
// that hangs. Read committed whatever the server's default: each guard is one statement whose
// WHERE is evaluated again on the newest row version after waiting for its lock.
constexpr const char* session_settings =
    "SET statement_timeout = 10000; SET lock_timeout = 5000; "
    "SET idle_in_transaction_session_timeout = 60000; SET bytea_output = 'hex'; "
    "SET default_transaction_isolation = 'read committed'; SET client_min_messages = warning";
// The same settings as server options sent with the connection request (libpq's `options`),
// which saves a verify one round trip; used unless the URI brings options of its own, which
// the settings above then follow.
constexpr const char* session_options =
    "-c statement_timeout=10000 -c lock_timeout=5000 "
    "-c idle_in_transaction_session_timeout=60000 -c bytea_output=hex "
    "-c default_transaction_isolation=read\\ committed -c client_min_messages=warning";
constexpr const char* default_connect_timeout = "5";

struct ConnFinish {
    void operator()(PGconn* conn) const { libpq().PQfinish(conn); }
};
struct ResultClear {
    void operator()(PGresult* result) const { libpq().PQclear(result); }
};
struct OptionsFree {
    void operator()(PQconninfoOption* options) const { libpq().PQconninfoFree(options); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultClear>;

// The first line of a libpq or server message, made safe for a terminal.
std::string first_line(const char* message) {
    std::string_view text = message == nullptr ? "" : message;
    text = text.substr(0, text.find('\n'));
    return escape_for_terminal(text);
}

// The server's primary message only: its DETAIL may quote the row, and so the parameters.
Error statement_error(PGconn* conn, const PGresult* result, const std::string& name) {
    std::string message = "registry " + name + ": ";
    if (libpq().PQstatus(conn) == CONNECTION_BAD) {
        return Error{ErrorCode::registry, message + "the connection to the server was lost (" +
                                              first_line(libpq().PQerrorMessage(conn)) + ")"};
    }
    const char* state =
        result == nullptr ? nullptr : libpq().PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const std::string_view sqlstate = state == nullptr ? "" : state;
    if (sqlstate == "57014")
        return Error{ErrorCode::registry, message + "a statement ran longer than 10 s"};
    if (sqlstate == "55P03")
        return Error{ErrorCode::registry, message + "a lock stayed held longer than 5 s"};
    const char* primary =
        result == nullptr ? nullptr : libpq().PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    return Error{ErrorCode::registry,
                 message + (primary != nullptr ? first_line(primary)
                                               : first_line(libpq().PQerrorMessage(conn)))};
}

}  // namespace

// ---------------------------------------------------------------------------------------------

Params& Params::add(std::int64_t value) {
    values_.push_back(std::to_string(value));
    nulls_.push_back(false);
    types_.push_back(int8_oid);
    formats_.push_back(0);
    return *this;
}

Params& Params::add(std::string_view text) {
    values_.emplace_back(text);
    nulls_.push_back(false);
    types_.push_back(text_oid);
    formats_.push_back(0);
    return *this;
}

Params& Params::add(std::optional<std::int64_t> value) {
    if (value)
        return add(*value);
    values_.emplace_back();
    nulls_.push_back(true);
    types_.push_back(int8_oid);
    formats_.push_back(0);
    return *this;
}

Params& Params::add_null_text() {
    values_.emplace_back();
    nulls_.push_back(true);
    types_.push_back(text_oid);
    formats_.push_back(0);
    return *this;
}

Params& Params::add_bytes(std::span<const std::uint8_t> bytes) {
    values_.emplace_back(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    nulls_.push_back(false);
    types_.push_back(bytea_oid);
    formats_.push_back(1);
    return *this;
}

Params& Params::append(const Params& other) {
    values_.insert(values_.end(), other.values_.begin(), other.values_.end());
    nulls_.insert(nulls_.end(), other.nulls_.begin(), other.nulls_.end());
    types_.insert(types_.end(), other.types_.begin(), other.types_.end());
    formats_.insert(formats_.end(), other.formats_.begin(), other.formats_.end());
    return *this;
}

// ---------------------------------------------------------------------------------------------

class Rows::Impl {
  public:
    ResultPtr result;
};

Rows::Rows(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Rows::Rows(Rows&&) noexcept = default;
Rows& Rows::operator=(Rows&&) noexcept = default;
Rows::~Rows() = default;

int Rows::size() const {
    return libpq().PQntuples(impl_->result.get());
}

bool Rows::is_null(int row, int column) const {
    return libpq().PQgetisnull(impl_->result.get(), row, column) != 0;
}

std::string Rows::text(int row, int column) const {
    const char* value = libpq().PQgetvalue(impl_->result.get(), row, column);
    const int length = libpq().PQgetlength(impl_->result.get(), row, column);
    return {value, static_cast<std::size_t>(length)};
}

std::int64_t Rows::integer(int row, int column) const {
    const char* value = libpq().PQgetvalue(impl_->result.get(), row, column);
    const int length = libpq().PQgetlength(impl_->result.get(), row, column);
    std::int64_t number = 0;
    std::from_chars(value, value + length, number);
    return number;
}

std::optional<std::int64_t> Rows::optional_integer(int row, int column) const {
    if (is_null(row, column))
        return std::nullopt;
    return integer(row, column);
}

bool Rows::boolean(int row, int column) const {
    return text(row, column) == "t";
}

std::vector<std::uint8_t> Rows::bytes(int row, int column) const {
    // bytea in text form, hex output (set for the session): "\x" then two digits a byte.
    const std::string value = text(row, column);
    if (!value.starts_with("\\x") || value.size() == 2)
        return {};
    return hex_decode(std::string_view(value).substr(2)).value_or(std::vector<std::uint8_t>{});
}

std::int64_t Rows::affected() const {
    const char* count = libpq().PQcmdTuples(impl_->result.get());
    std::int64_t number = 0;
    std::from_chars(count, count + std::char_traits<char>::length(count), number);
    return number;
}

// ---------------------------------------------------------------------------------------------

namespace {

// `uri` with the password of its userinfo and of a password= parameter replaced by "***".
std::string redacted(std::string uri) {
    const auto scheme = uri.find("://");
    if (scheme != std::string::npos) {
        const auto start = scheme + 3;
        const auto end = std::min(uri.find_first_of("/?", start), uri.size());
        const auto at = uri.rfind('@', end);
        const auto colon = uri.find(':', start);
        if (at != std::string::npos && at >= start && colon < at)
            uri.replace(colon + 1, at - colon - 1, "***");
    }
    for (auto p = uri.find("password="); p != std::string::npos; p = uri.find("password=", p + 1)) {
        const auto value = p + 9;
        uri.replace(value, std::min(uri.find('&', value), uri.size()) - value, "***");
    }
    return uri;
}

// libpq's complaint about an unparsable URI, which may quote the URI: never its password.
std::string parse_error(const std::string& uri, const char* error) {
    std::string why = error == nullptr ? "" : error;
    const std::string safe = redacted(uri);
    for (auto p = why.find(uri); p != std::string::npos; p = why.find(uri, p + safe.size()))
        why.replace(p, uri.size(), safe);
    return first_line(why.c_str());
}

}  // namespace

Result<void> check_connection_uri(const std::string& uri) {
    HWTOTP_TRY(load_libpq());
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, OptionsFree> options(
        libpq().PQconninfoParse(uri.c_str(), &error));
    if (!options) {
        std::string why = parse_error(uri, error);
        libpq().PQfreemem(error);
        return fail(ErrorCode::invalid_input,
                    "the registry's PostgreSQL connection URI does not parse: " + why);
    }
    for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
        if (std::string_view(o->keyword) == "password" && o->val != nullptr && *o->val != '\0') {
            return fail(ErrorCode::invalid_input,
                        "the registry's PostgreSQL connection URI holds a password; remove it "
                        "and put it in the password file (~/.pgpass, or the file PGPASSFILE "
                        "names) or in a service file: a URI ends up in process lists and shell "
                        "histories");
        }
    }
    return {};
}

namespace {

// Whether `uri` sets the libpq option `keyword`.
bool uri_sets(const std::string& uri, std::string_view keyword) {
    std::unique_ptr<PQconninfoOption, OptionsFree> options(
        libpq().PQconninfoParse(uri.c_str(), nullptr));
    for (const PQconninfoOption* o = options.get(); o != nullptr && o->keyword != nullptr; ++o) {
        if (std::string_view(o->keyword) == keyword && o->val != nullptr && *o->val != '\0')
            return true;
    }
    return false;
}

}  // namespace

class Connection::Impl {
  public:
    std::unique_ptr<PGconn, ConnFinish> conn;
    std::string name;
    std::string sqlstate;
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Result<Connection> Connection::open(const std::string& uri, std::string name) {
    HWTOTP_TRY(check_connection_uri(uri));
    // The URI's own settings win over these defaults: it comes first and is expanded.
    std::vector<const char*> keywords{"dbname"};
    std::vector<const char*> values{uri.c_str()};
    if (!uri_sets(uri, "connect_timeout")) {
        keywords.push_back("connect_timeout");
        values.push_back(default_connect_timeout);
    }
    if (!uri_sets(uri, "application_name")) {
        keywords.push_back("application_name");
        values.push_back("hwtotp");
    }
    const bool own_options = !uri_sets(uri, "options");
    if (own_options) {
        keywords.push_back("options");
        values.push_back(session_options);
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    auto impl = std::make_unique<Impl>();
    impl->name = std::move(name);
    impl->conn.reset(libpq().PQconnectdbParams(keywords.data(), values.data(), 1));
    if (!impl->conn)
        return fail(ErrorCode::registry, "registry " + impl->name + ": out of memory");
    if (libpq().PQstatus(impl->conn.get()) != CONNECTION_OK) {
        return fail(ErrorCode::registry, "registry " + impl->name +
                                             ": cannot connect to the "
                                             "PostgreSQL server (" +
                                             first_line(libpq().PQerrorMessage(impl->conn.get())) +
                                             ")");
    }
    // Notices (e.g. "relation already exists, skipping") would reach stderr otherwise.
    libpq().PQsetNoticeProcessor(
        impl->conn.get(), [](void*, const char*) {}, nullptr);
    Connection connection(std::move(impl));
    if (!own_options)
        HWTOTP_TRY(connection.exec_script(session_settings));
    return connection;
}

Result<Rows> Connection::exec(std::string_view sql, const Params& params) {
    PGconn* conn = impl_->conn.get();
    const std::string statement(sql);
    std::vector<const char*> values;
    std::vector<int> lengths;
    for (std::size_t i = 0; i < params.size(); ++i) {
        values.push_back(params.nulls_[i] ? nullptr : params.values_[i].data());
        lengths.push_back(static_cast<int>(params.values_[i].size()));
    }
    const bool may_retry = libpq().PQtransactionStatus(conn) == PQTRANS_IDLE;
    for (int attempt = 1;; ++attempt) {
        ResultPtr result(libpq().PQexecParams(
            conn, statement.c_str(), static_cast<int>(params.size()), params.types_.data(),
            values.data(), lengths.data(), params.formats_.data(), 0));
        const ExecStatusType status = libpq().PQresultStatus(result.get());
        if (result && (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)) {
            impl_->sqlstate.clear();
            auto rows = std::make_unique<Rows::Impl>();
            rows->result = std::move(result);
            return Rows(std::move(rows));
        }
        const char* state =
            result ? libpq().PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
        impl_->sqlstate = state == nullptr ? "" : state;
        const bool conflict =
            impl_->sqlstate == serialization_failure || impl_->sqlstate == deadlock_detected;
        if (!(may_retry && conflict && attempt < max_tries))
            return tl::unexpected(statement_error(conn, result.get(), impl_->name));
    }
}

Result<void> Connection::exec_script(const std::string& sql) {
    PGconn* conn = impl_->conn.get();
    ResultPtr result(libpq().PQexec(conn, sql.c_str()));
    if (result && libpq().PQresultStatus(result.get()) == PGRES_COMMAND_OK) {
        impl_->sqlstate.clear();
        return {};
    }
    const char* state =
        result ? libpq().PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
    impl_->sqlstate = state == nullptr ? "" : state;
    return tl::unexpected(statement_error(conn, result.get(), impl_->name));
}

bool Connection::in_failed_transaction() const {
    return libpq().PQtransactionStatus(impl_->conn.get()) == PQTRANS_INERROR;
}

const std::string& Connection::last_sqlstate() const {
    return impl_->sqlstate;
}

const std::string& Connection::name() const {
    return impl_->name;
}

// ---------------------------------------------------------------------------------------------

Result<Transaction> Transaction::begin(Connection& connection) {
    HWTOTP_TRY(connection.exec_script("BEGIN"));
    return Transaction(connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

Transaction::~Transaction() {
    if (connection_ != nullptr)
        (void)connection_->exec_script("ROLLBACK");
}

Result<void> Transaction::commit() {
    if (connection_ == nullptr)
        return fail(ErrorCode::internal, "transaction already finished");
    // COMMIT of a failed transaction rolls back and says nothing: refuse it here.
    if (connection_->in_failed_transaction()) {
        return fail(ErrorCode::registry,
                    "registry " + connection_->name() + ": the transaction failed earlier");
    }
    HWTOTP_TRY(connection_->exec_script("COMMIT"));
    connection_ = nullptr;
    return {};
}

}  // namespace hwtotp::store::pg
