#pragma once
// Durable storage of bookings ("leads"), their webhook outbox and the conversations of
// live sessions, in one SQLite file: WAL, synchronous=FULL, schema migrations by
// user_version, parameterised statements only. One connection, one writer: every call
// takes the store's mutex, and the server calls the writing ones from one thread.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "dialogue/engine.hpp"

namespace SQLite {
class Database;
}

namespace advisor::handoff {

using time_point = dialogue::time_point;
using instant = std::chrono::sys_time<std::chrono::milliseconds>;  // webhook retry times

// A stored booking, as the admin API and `advisor leads` show it.
struct lead {
  std::string reference;
  time_point created_at{};
  time_point slot_start{};
  std::chrono::minutes slot_length{30};
  std::string time_zone;
  std::string name;
  std::string email;
  std::string company;
  std::string project;
  std::optional<std::string> recommendation;
  std::vector<std::string> topics;
  std::vector<dialogue::transcript_line> transcript;
  bool delivered = false;         // the webhook received it
  bool dead_letter = false;       // given up after the maximum age; `advisor leads retry`
  std::string visitor_time_zone;  // the zone the visitor saw the slot in; may be empty
};

struct outbox_item {
  std::int64_t id = 0;
  std::string reference;  // the idempotency key
  std::string payload;    // the JSON body, fixed when the booking was stored
  int attempts = 0;
  instant age_from{};  // the delivery's age counts from here (its booking, or the last retry)
};

// A webhook URL whose receiver answered 410 Gone: nothing is sent to it until an operator
// runs `advisor leads retry`.
struct gone_endpoint {
  std::string url;
  instant at{};
  std::string status;  // "410 Gone"
};

// What `advisor leads retry` put back in the queue.
struct requeued {
  std::size_t deliveries = 0;  // dead letters due again
  std::size_t endpoints = 0;   // gone endpoints forgotten
};

struct book_result {
  enum class kind { stored, slot_taken } result = kind::stored;
  std::string reference;
  // The same visitor (name and email) had booked this slot already: `reference` is that
  // booking's, nothing new was stored (a confirmation replayed after a crash or a lost reply).
  bool again = false;
};

// A lock another connection holds (SQLite's write lock, or this store's own while another
// thread waits on SQLite) was still held at the caller's deadline; see lead_store::wait_limit.
struct store_busy : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class lead_store : public dialogue::slot_calendar {
 public:
  using steady_clock = std::chrono::steady_clock;

  // While one lives, this thread's calls wait for locks only until `until` and then throw
  // store_busy (SQLite's own busy timeout, 5 s, applies otherwise): a visitor's write gets a
  // bounded wait however many writes are queued before it.
  class wait_limit {
   public:
    explicit wait_limit(steady_clock::time_point until);
    ~wait_limit();
    wait_limit(const wait_limit&) = delete;
    wait_limit& operator=(const wait_limit&) = delete;

   private:
    std::optional<steady_clock::time_point> previous_;
  };

  // Opens (creating folders and file as needed) and migrates; the error says why not.
  static std::variant<std::unique_ptr<lead_store>, std::string> open(
      const std::filesystem::path& file);
  // Whether open() made a new file (a mistyped --db does that: main says so).
  [[nodiscard]] bool created() const { return created_; }
  ~lead_store() override;

  // The booking and its outbox row in one transaction; returns after COMMIT (durable).
  // A slot already held gives slot_taken and stores nothing. Throws on storage failure.
  book_result book(const dialogue::booking_request& request, time_point now);

  bool is_taken(time_point slot_start) const override;

  std::vector<lead> leads() const;
  std::optional<lead> find(const std::string& reference) const;
  bool remove(const std::string& reference);  // frees the slot, drops undelivered webhooks

  // Webhook outbox: rows due at `now`, oldest first; dead letters are never due.
  std::vector<outbox_item> due(instant now, std::size_t limit) const;
  std::optional<instant> next_due() const;  // earliest pending attempt, if any
  std::size_t pending_deliveries() const;   // outbox rows still being tried
  std::size_t dead_letters() const;         // outbox rows given up on
  void delivered(std::int64_t id, instant now);
  void retry_later(std::int64_t id, instant when, const std::string& error);
  void dead_letter(std::int64_t id, instant now, const std::string& error);
  // Dead letters (all, or the one of `reference`) are due again at `now`, their age counted
  // anew; without a reference, gone endpoints are forgotten too.
  requeued retry_deliveries(instant now, const std::optional<std::string>& reference);

  void mark_gone(const std::string& url, instant now, const std::string& status);
  std::optional<gone_endpoint> gone(const std::string& url) const;
  std::vector<gone_endpoint> gone_endpoints() const;

  // Conversations, so that a half-filled form survives a restart. `durable`: the commit
  // waits for the disk (synchronous=FULL: a form the visitor was told is kept). Otherwise
  // this transaction alone runs with synchronous=NORMAL: no fsync; in WAL mode a crash of the
  // process loses nothing, a power loss what was written since the last sync.
  void save_sessions(const std::vector<std::pair<std::string, std::string>>& token_states,
                     time_point now, bool durable = true);
  std::optional<std::string> load_session(const std::string& token, time_point not_before) const;
  void forget_sessions(time_point used_before);

 private:
  explicit lead_store(std::unique_ptr<SQLite::Database> db);
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

// "ADV-" and 10 characters of Crockford base32 from the OS's CSPRNG (50 bits).
std::string new_reference();

}  // namespace advisor::handoff
