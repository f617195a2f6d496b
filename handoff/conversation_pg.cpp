// The conversation store in the PostgreSQL database of the bookings
// (handoff/conversation_store.hpp): pg_store's conversation_store side, on the store's
// connection and lock, saved with a version (optimistic concurrency). The sessions table is
// created by pg_store's migrations.

#include "handoff/lead_rows.hpp"
#include "handoff/pg_store.hpp"

namespace advisor::handoff {

std::vector<pg_statement> pg_store::conversation_statements() {
  return {
      // Updated only from the version the state was based on (0: unconditionally); no row
      // returned means another instance saved first.
      {"save_session",
       "INSERT INTO sessions (token, state, last_used, version) VALUES ($1, $2, $3::bigint, 1) "
       "ON CONFLICT (token) DO UPDATE SET state = excluded.state, "
       "last_used = excluded.last_used, version = sessions.version + 1 "
       "WHERE $4::bigint = 0 OR sessions.version = $4::bigint RETURNING version"},
      {"load_session",
       "SELECT state, version FROM sessions WHERE token = $1 AND last_used >= $2::bigint"},
      {"forget_sessions", "DELETE FROM sessions WHERE last_used < $1::bigint"},
  };
}

std::vector<std::int64_t> pg_store::save_sessions(const std::vector<session_save>& sessions,
                                                  time_point now, bool durable) {
  std::vector<std::int64_t> versions;
  if (sessions.empty()) return versions;
  const auto lock = hold();
  pg_transaction tx{conn_};
  // Small talk need not wait for the WAL flush; a form the visitor was told is kept does.
  if (!durable) conn_.exec("SET LOCAL synchronous_commit = off");
  for (const auto& session : sessions) {
    const auto saved = conn_.run("save_session", {session.token, session.state,
                                                  pg_text(to_unix(now)), pg_text(session.version)});
    versions.push_back(saved.size() == 1 ? saved.integer(0, 0) : 0);
  }
  tx.commit();
  return versions;
}

std::optional<stored_session> pg_store::load_session(const std::string& token,
                                                     time_point not_before) const {
  const auto lock = hold();
  const auto rows = conn_.run("load_session", {token, pg_text(to_unix(not_before))});
  if (rows.size() == 0) return std::nullopt;
  return stored_session{rows.text(0, 0), rows.integer(0, 1)};
}

void pg_store::forget_sessions(time_point used_before) {
  const auto lock = hold();
  conn_.run("forget_sessions", {pg_text(to_unix(used_before))});
}

}  // namespace advisor::handoff
