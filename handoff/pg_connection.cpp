#include "handoff/pg_connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <utility>

namespace advisor::handoff {
namespace {

// After a failed connection attempt, calls fail at once for this long: a server that is down
// is not asked again by every caller in a loop.
constexpr std::chrono::milliseconds reconnect_pause{200};

std::string trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

// Connection exceptions (08), and the server shutting down or restarting (57P).
bool connection_trouble(const std::string& sqlstate) {
  return sqlstate.starts_with("08") || sqlstate.starts_with("57P");
}

}  // namespace

pg_rows::pg_rows(pg_result* result) : result_{result} {}
pg_rows::~pg_rows() {
  if (result_ != nullptr) PQclear(result_);
}
pg_rows::pg_rows(pg_rows&& other) noexcept : result_{std::exchange(other.result_, nullptr)} {}

int pg_rows::size() const {
  return PQntuples(result_);
}
bool pg_rows::null(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}
std::string pg_rows::text(int row, int column) const {
  return {PQgetvalue(result_, row, column),
          static_cast<std::size_t>(PQgetlength(result_, row, column))};
}
std::int64_t pg_rows::integer(int row, int column) const {
  return std::stoll(PQgetvalue(result_, row, column));
}
bool pg_rows::boolean(int row, int column) const {
  return PQgetvalue(result_, row, column)[0] == 't';
}
std::size_t pg_rows::affected() const {
  const std::string count = PQcmdTuples(result_);
  return count.empty() ? 0 : static_cast<std::size_t>(std::stoull(count));
}

std::string pg_text(std::int64_t value) {
  return std::to_string(value);
}

pg_connection::pg_connection(std::string uri, std::vector<pg_statement> statements)
    : uri_{std::move(uri)}, statements_{std::move(statements)} {}

pg_connection::~pg_connection() {
  drop();
}

void pg_connection::drop() {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
}

void pg_connection::ensure() {
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return;
  drop();
  const auto now = std::chrono::steady_clock::now();
  if (now - failed_at_ < reconnect_pause) {
    throw store_unavailable{"the database is unreachable; reconnecting"};
  }
  // The URI comes last so that what it says wins; a password comes from PGPASSWORD or
  // ~/.pgpass as libpq reads them, or from the URI (never logged).
  const std::array<const char*, 4> keys{"connect_timeout", "fallback_application_name", "dbname",
                                        nullptr};
  const std::array<const char*, 4> values{"3", "advisor", uri_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    const auto why = conn_ != nullptr ? trimmed(PQerrorMessage(conn_)) : "out of memory";
    drop();
    failed_at_ = now;
    throw store_unavailable{"cannot connect to the database: " + why};
  }
  // Notices ("relation ... already exists, skipping") are not errors: not printed.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  prepared_.clear();
}

pg_rows pg_connection::check(pg_result* result) {
  pg_rows rows{result};
  const auto status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return rows;
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  const auto message = trimmed(PQerrorMessage(conn_));
  if (PQstatus(conn_) != CONNECTION_OK || connection_trouble(sqlstate)) {
    drop();
    throw store_unavailable{"lost the database connection: " + message};
  }
  throw pg_error{message, sqlstate};
}

namespace {

std::vector<const char*> c_strings(const std::vector<pg_param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return values;
}

}  // namespace

pg_rows pg_connection::run(const char* name, const std::vector<pg_param>& params) {
  if (in_transaction_) return run_once(name, params);
  const bool was_connected = conn_ != nullptr;
  try {
    return run_once(name, params);
  } catch (const store_unavailable&) {
    if (!was_connected) throw;  // a fresh connection failed: the server is away
  }
  return run_once(name, params);
}

void pg_connection::prepare(const std::string& name) {
  if (prepared_.contains(name)) return;
  const auto statement = std::find_if(statements_.begin(), statements_.end(),
                                      [&](const pg_statement& s) { return name == s.name; });
  if (statement == statements_.end()) throw std::logic_error("no statement " + name);
  check(PQprepare(conn_, statement->name, statement->sql, 0, nullptr));
  prepared_.insert(name);
}

pg_rows pg_connection::run_once(const char* name, const std::vector<pg_param>& params) {
  ensure();
  prepare(name);  // on first use: the tables exist only after the migrations ran
  const auto values = c_strings(params);
  return check(PQexecPrepared(conn_, name, static_cast<int>(values.size()), values.data(), nullptr,
                              nullptr, 0));
}

pg_rows pg_connection::exec(const char* sql, const std::vector<pg_param>& params) {
  ensure();
  const auto values = c_strings(params);
  return check(PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(),
                            nullptr, nullptr, 0));
}

pg_rows pg_connection::exec(const char* sql) {
  ensure();
  return check(PQexec(conn_, sql));
}

pg_transaction::pg_transaction(pg_connection& conn) : conn_{conn} {
  const bool was_connected = conn_.conn_ != nullptr;
  try {
    conn_.exec("BEGIN");
  } catch (const store_unavailable&) {
    if (!was_connected) throw;
    conn_.exec("BEGIN");  // the connection had died since its last use: once more, anew
  }
  conn_.in_transaction_ = true;
}

pg_transaction::~pg_transaction() {
  conn_.in_transaction_ = false;
  if (done_ || conn_.conn_ == nullptr) return;  // a lost connection has rolled back by itself
  try {
    conn_.exec("ROLLBACK");
  } catch (const std::exception&) {
    // Lost while rolling back: the same.
  }
}

void pg_transaction::commit() {
  conn_.exec("COMMIT");
  done_ = true;
  conn_.in_transaction_ = false;
}

}  // namespace advisor::handoff
