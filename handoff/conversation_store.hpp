#pragma once
// The storage interface of conversations: a visitor's state saved so that a half-filled form
// survives a restart or moves to another instance. The database stores (sqlite_store,
// pg_store) implement it beside lead_store; the server's session store and conversation saver
// see only this.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace advisor::handoff {

// A conversation to save. `version` is the stored version its state was based on; 0 saves
// unconditionally (a session never stored, or a caller that does not track versions).
struct session_save {
  std::string token;
  std::string state;
  std::int64_t version = 0;
};

struct stored_session {
  std::string state;
  std::int64_t version = 0;
};

class conversation_store {
 public:
  using time_point = std::chrono::sys_seconds;  // as handoff::time_point, to the second

  virtual ~conversation_store() = default;

  // Whether several instances may share this store (PostgreSQL): then a conversation held
  // in memory may be behind the stored one.
  [[nodiscard]] virtual bool shared() const = 0;

  // `durable`: the commit waits for the disk; otherwise it may not (SQLite:
  // synchronous=NORMAL; PostgreSQL: synchronous_commit off for that transaction).
  // Returns per row the version now stored, or 0 when the stored row had moved past the
  // row's version (another instance saved first: optimistic concurrency; nothing written).
  virtual std::vector<std::int64_t> save_sessions(const std::vector<session_save>& sessions,
                                                  time_point now, bool durable = true) = 0;
  virtual std::optional<stored_session> load_session(const std::string& token,
                                                     time_point not_before) const = 0;
  virtual void forget_sessions(time_point used_before) = 0;
};

}  // namespace advisor::handoff
