// The conversation store in the SQLite file of the bookings (handoff/conversation_store.hpp):
// sqlite_store's conversation_store side, on the store's connection and lock. The sessions
// table is created by sqlite_store's migrations.

#include <SQLiteCpp/SQLiteCpp.h>

#include "handoff/lead_rows.hpp"
#include "handoff/sqlite_store.hpp"

namespace advisor::handoff {

std::vector<std::int64_t> sqlite_store::save_sessions(const std::vector<session_save>& sessions,
                                                      time_point now, bool durable) {
  std::vector<std::int64_t> versions;
  if (sessions.empty()) return versions;
  const auto lock = hold();
  // The connection's setting applies to its next transactions: relaxed for this one only.
  if (!durable) db_->exec("PRAGMA synchronous=NORMAL");
  struct restore_full {
    SQLite::Database& db;
    bool active;
    ~restore_full() {
      try {
        if (active) db.exec("PRAGMA synchronous=FULL");
      } catch (const std::exception&) {
        // Only this connection's conversation saves are affected; bookings have their own.
      }
    }
  } restore{*db_, !durable};
  try {
    SQLite::Transaction tx{*db_, SQLite::TransactionBehavior::IMMEDIATE};
    // The update happens only from the version the state was based on (or unconditionally
    // for version 0); no row returned means another writer saved first.
    SQLite::Statement q{*db_,
                        "INSERT INTO sessions (token, state, last_used, version) "
                        "VALUES (?1, ?2, ?3, 1) ON CONFLICT(token) DO UPDATE SET "
                        "state = excluded.state, last_used = excluded.last_used, "
                        "version = sessions.version + 1 "
                        "WHERE ?4 = 0 OR sessions.version = ?4 RETURNING version"};
    for (const auto& session : sessions) {
      q.bind(1, session.token);
      q.bind(2, session.state);
      q.bind(3, to_unix(now));
      q.bind(4, session.version);
      versions.push_back(q.executeStep() ? q.getColumn(0).getInt64() : 0);
      q.reset();
    }
    tx.commit();
  } catch (const SQLite::Exception& e) {
    if (is_busy(e)) throw store_busy{e.what()};
    throw;
  }
  return versions;
}

std::optional<stored_session> sqlite_store::load_session(const std::string& token,
                                                         time_point not_before) const {
  const auto lock = hold();
  SQLite::Statement q{*db_,
                      "SELECT state, version FROM sessions WHERE token = ? AND last_used >= ?"};
  q.bind(1, token);
  q.bind(2, to_unix(not_before));
  if (!q.executeStep()) return std::nullopt;
  return stored_session{q.getColumn(0).getString(), q.getColumn(1).getInt64()};
}

void sqlite_store::forget_sessions(time_point used_before) {
  const auto lock = hold();
  SQLite::Statement q{*db_, "DELETE FROM sessions WHERE last_used < ?"};
  q.bind(1, to_unix(used_before));
  q.exec();
}

}  // namespace advisor::handoff
