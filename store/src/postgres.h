#pragma once
// The libpq adapter: the only file that includes libpq-fe.h. A connection owner that bounds every
// wait (connect_timeout, statement_timeout, lock_timeout), statements with typed parameters only
// (values never enter SQL text), and server errors turned into registry errors that carry no
// parameter and pass the server's words through escape_for_terminal.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwtotp/totp/error.h"

namespace hwtotp::store::pg {

// The parameters of one statement ($1, $2, ... in the order added). Each has a type, so the
// server infers nothing from the SQL around it; bytea travels as binary.
class Params {
  public:
    Params& add(std::int64_t value);
    Params& add(std::string_view text);
    Params& add(std::optional<std::int64_t> value);  // NULL when none
    Params& add_null_text();
    Params& add_bytes(std::span<const std::uint8_t> bytes);
    // All of `other`'s parameters after these (a multi-row statement built row by row).
    Params& append(const Params& other);

    [[nodiscard]] std::size_t size() const { return values_.size(); }

  private:
    friend class Connection;
    std::vector<std::string> values_;
    std::vector<bool> nulls_;
    std::vector<unsigned> types_;
    std::vector<int> formats_;
};

// The rows of one statement's result, in text form.
class Rows {
  public:
    Rows(Rows&&) noexcept;
    Rows& operator=(Rows&&) noexcept;
    ~Rows();

    [[nodiscard]] int size() const;
    [[nodiscard]] bool is_null(int row, int column) const;
    [[nodiscard]] std::string text(int row, int column) const;
    [[nodiscard]] std::int64_t integer(int row, int column) const;
    [[nodiscard]] std::optional<std::int64_t> optional_integer(int row, int column) const;
    [[nodiscard]] bool boolean(int row, int column) const;
    [[nodiscard]] std::vector<std::uint8_t> bytes(int row, int column) const;
    // Rows the statement inserted, updated or deleted.
    [[nodiscard]] std::int64_t affected() const;

    class Impl;

  private:
    friend class Connection;
    explicit Rows(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// What a connection may be opened with: refuses a URI holding a password (userinfo "user:pw@"
// or a password= parameter; passwords belong in the password file or the service file, never
// on a command line) and one libpq cannot parse. Never echoes the URI.
[[nodiscard]] Result<void> check_connection_uri(const std::string& uri);

class Connection {
  public:
    // Connects to `uri` (checked by check_connection_uri), with connect_timeout = 5 s unless the
    // URI sets one, then bounds every statement of the session (statement_timeout 10 s,
    // lock_timeout 5 s). `name` is how errors name the registry.
    [[nodiscard]] static Result<Connection> open(const std::string& uri, std::string name);
    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;
    ~Connection();

    // Runs one statement. Outside a transaction, a serialization failure or a deadlock (the
    // statement was rolled back whole) is retried a few times before it is an error.
    [[nodiscard]] Result<Rows> exec(std::string_view sql, const Params& params = {});
    // Runs statements without parameters (schema, BEGIN, COMMIT).
    [[nodiscard]] Result<void> exec_script(const std::string& sql);
    // A statement of the open transaction failed: it can only roll back.
    [[nodiscard]] bool in_failed_transaction() const;
    // The SQLSTATE of the last failed statement ("" when none).
    [[nodiscard]] const std::string& last_sqlstate() const;
    [[nodiscard]] const std::string& name() const;

    class Impl;

  private:
    explicit Connection(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Rolls back on destruction unless committed.
class Transaction {
  public:
    [[nodiscard]] static Result<Transaction> begin(Connection& connection);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    [[nodiscard]] Result<void> commit();

  private:
    explicit Transaction(Connection& connection) : connection_(&connection) {}
    Connection* connection_;
};

// SQLSTATE of a unique violation.
inline constexpr std::string_view unique_violation = "23505";
// SQLSTATE of a statement naming a table that does not exist.
inline constexpr std::string_view undefined_table = "42P01";

}  // namespace hwtotp::store::pg
