#pragma once
// The lead store in one SQLite file: WAL, synchronous=FULL, schema migrations by
// user_version, parameterised statements only. One connection, one writer: every call
// takes the store's mutex, and the server calls the writing ones from one thread.

#include <filesystem>
#include <memory>
#include <mutex>
#include <set>

#include "handoff/lead_store.hpp"

namespace SQLite {
class Database;
class Exception;
}  // namespace SQLite

namespace advisor::handoff {

// Whether SQLite gave up waiting for a lock another connection holds (SQLITE_BUSY, _LOCKED).
bool is_busy(const SQLite::Exception& e);

// Bookings and the outbox in sqlite_store.cpp; its conversation_store side (save_sessions,
// load_session, forget_sessions) in conversation_sqlite.cpp.
class sqlite_store final : public lead_store {
 public:
  // Opens (creating folders and file as needed) and migrates; the error says why not.
  static std::variant<std::unique_ptr<lead_store>, std::string> open(
      const std::filesystem::path& file);
  ~sqlite_store() override;

  [[nodiscard]] bool created() const override { return created_; }
  [[nodiscard]] bool shared() const override { return false; }
  bool ping() override { return true; }  // a file: there whenever the process is

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
  explicit sqlite_store(std::unique_ptr<SQLite::Database> db);
  void migrate();
  // Reloads taken_ when another connection (`advisor leads delete`) changed the file.
  void refresh_taken() const;  // call with mutex_ held

  // This store's lock, taken within the caller's wait_limit.
  std::unique_lock<std::timed_mutex> hold() const;

  mutable std::timed_mutex mutex_;
  std::unique_ptr<SQLite::Database> db_;
  // Slot starts (unix seconds) held by bookings: is_taken without a query per slot. Kept
  // current across processes through SQLite's data_version, which changes only when another
  // connection commits.
  mutable std::set<std::int64_t> taken_;
  mutable std::int64_t data_version_ = -1;
  bool created_ = false;
};

}  // namespace advisor::handoff
