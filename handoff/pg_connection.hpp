#pragma once
// One libpq connection that comes back by itself: connected on first use and again after a
// loss, each statement of its owner prepared on the connection at its first use. Parameters are
// always passed apart from the SQL text (PQexecPrepared), never spliced into it.

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "handoff/lead_store.hpp"

struct pg_conn;
struct pg_result;

namespace advisor::handoff {

// An error the database reported for a statement (not a lost connection).
struct pg_error : std::runtime_error {
  pg_error(const std::string& what, std::string state)
      : std::runtime_error{what}, sqlstate{std::move(state)} {}
  std::string sqlstate;  // e.g. "23505" unique_violation
};

struct pg_statement {
  const char* name;
  const char* sql;
};

// A query's rows, freed with the object.
class pg_rows {
 public:
  explicit pg_rows(pg_result* result);
  ~pg_rows();
  pg_rows(pg_rows&& other) noexcept;
  pg_rows& operator=(pg_rows&&) = delete;
  pg_rows(const pg_rows&) = delete;
  pg_rows& operator=(const pg_rows&) = delete;

  [[nodiscard]] int size() const;
  [[nodiscard]] bool null(int row, int column) const;
  [[nodiscard]] std::string text(int row, int column) const;
  [[nodiscard]] std::int64_t integer(int row, int column) const;
  [[nodiscard]] bool boolean(int row, int column) const;
  [[nodiscard]] std::size_t affected() const;  // rows an INSERT, UPDATE or DELETE touched

 private:
  pg_result* result_;
};

using pg_param = std::optional<std::string>;  // nullopt: SQL NULL

class pg_connection {
 public:
  pg_connection(std::string uri, std::vector<pg_statement> statements);
  ~pg_connection();
  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;

  // Connects when not connected; throws store_unavailable when the server cannot be reached
  // (after a failure, further attempts wait a moment rather than hammer a server that is down).
  void ensure();
  // Runs a prepared statement; throws store_unavailable when the connection is lost (it is
  // dropped, the next call reconnects) and pg_error when the statement fails. Outside a
  // transaction, a connection found dead (the server restarted since its last use) is
  // replaced and the statement sent once more: every statement of the stores is safe to
  // repeat (a repeated booking finds its own row, a repeated save a newer version).
  pg_rows run(const char* name, const std::vector<pg_param>& params);
  // Runs SQL without parameters (transaction control, migrations); the same errors.
  pg_rows exec(const char* sql);
  // Runs one unprepared statement with parameters (PQexecParams); the same errors.
  pg_rows exec(const char* sql, const std::vector<pg_param>& params);

 private:
  friend class pg_transaction;
  pg_rows check(pg_result* result);
  pg_rows run_once(const char* name, const std::vector<pg_param>& params);
  void prepare(const std::string& name);  // on this connection, once
  void drop();

  bool in_transaction_ = false;

  std::string uri_;
  std::vector<pg_statement> statements_;
  pg_conn* conn_ = nullptr;
  std::set<std::string> prepared_;  // statement names prepared on conn_
  std::chrono::steady_clock::time_point failed_at_{};
};

// BEGIN now, ROLLBACK unless commit() was called.
class pg_transaction {
 public:
  explicit pg_transaction(pg_connection& conn);
  ~pg_transaction();
  pg_transaction(const pg_transaction&) = delete;
  pg_transaction& operator=(const pg_transaction&) = delete;
  void commit();

 private:
  pg_connection& conn_;
  bool done_ = false;
};

std::string pg_text(std::int64_t value);

// Held (pg_advisory_xact_lock) while a schema is created or migrated: instances starting
// together do it once, one after the other.
inline constexpr const char* pg_schema_lock = "SELECT pg_advisory_xact_lock(7305118211)";

}  // namespace advisor::handoff
