#pragma once
// The lead store in PostgreSQL, shared by several instances (docs/operations.md): versioned
// migrations under an advisory lock, one booking per slot by a UNIQUE constraint, webhook
// deliveries claimed with FOR UPDATE SKIP LOCKED and a claim expiry, conversations saved
// with a version (optimistic concurrency). One connection, reconnected after a loss; every
// call takes the store's mutex, like the SQLite store.

#include <chrono>
#include <memory>
#include <mutex>
#include <set>

#include "handoff/lead_store.hpp"
#include "handoff/pg_connection.hpp"

namespace advisor::handoff {

// Bookings and the outbox in pg_store.cpp; its conversation_store side (save_sessions,
// load_session, forget_sessions) in conversation_pg.cpp.
class pg_store final : public lead_store {
 public:
  // Connects and migrates; the error says why not (without a password).
  static std::variant<std::unique_ptr<lead_store>, std::string> open(const std::string& uri,
                                                                     store_options options);
  ~pg_store() override;

  [[nodiscard]] bool created() const override { return created_; }
  [[nodiscard]] bool shared() const override { return true; }
  bool ping() override;

  book_result book(const dialogue::booking_request& request, time_point now) override;
  bool is_taken(time_point slot_start) const override;

  std::vector<lead> leads() const override;
  std::optional<lead> find(const std::string& reference) const override;
  bool remove(const std::string& reference) override;

  std::vector<outbox_item> due(instant now, std::size_t limit) override;
  std::optional<instant> next_due() const override;
  std::size_t pending_deliveries() const override;
  std::size_t dead_letters() const override;
  void delivered(std::int64_t id, instant now) override;
  void retry_later(std::int64_t id, instant when, const std::string& error) override;
  void dead_letter(std::int64_t id, instant now, const std::string& error) override;
  requeued retry_deliveries(instant now, const std::optional<std::string>& reference) override;

  void mark_gone(const std::string& url, instant now, const std::string& status) override;
  std::optional<gone_endpoint> gone(const std::string& url) const override;
  std::vector<gone_endpoint> gone_endpoints() const override;

  std::vector<std::int64_t> save_sessions(const std::vector<session_save>& sessions, time_point now,
                                          bool durable = true) override;
  std::optional<stored_session> load_session(const std::string& token,
                                             time_point not_before) const override;
  void forget_sessions(time_point used_before) override;

 private:
  pg_store(const std::string& uri, store_options options);
  // The prepared statements: bookings and the outbox, and conversations (conversation_pg.cpp).
  static std::vector<pg_statement> statements();
  static std::vector<pg_statement> conversation_statements();
  void migrate();
  // The store's lock, taken within the caller's wait_limit.
  std::unique_lock<std::timed_mutex> hold() const;
  void refresh_taken() const;  // call with mutex_ held
  std::vector<lead> select_leads(const char* statement, const std::vector<pg_param>& params) const;

  store_options options_;
  mutable std::timed_mutex mutex_;
  mutable pg_connection conn_;
  // Slot starts (unix seconds) held by bookings, reloaded at most every second: offering a
  // slot another instance just took is answered by the UNIQUE constraint at booking time.
  mutable std::mutex taken_mutex_;        // guards taken_ alone: read without mutex_
  mutable std::set<std::int64_t> taken_;  // guarded by taken_mutex_
  mutable std::chrono::steady_clock::time_point taken_at_{};  // guarded by mutex_
  bool created_ = false;
};

}  // namespace advisor::handoff
