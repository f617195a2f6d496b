#pragma once
// The storage interface of bookings and their webhook outbox (the database keeps the
// conversations too: conversation_store), with the values it stores; lead_store::open picks
// the implementation from the --db value.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "dialogue/engine.hpp"
#include "handoff/conversation_store.hpp"

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
  // The webhook delivery as the console shows it: the next attempt while it is pending.
  std::optional<instant> next_attempt;
  int attempts = 0;
  std::string last_error;
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

// The store could not be reached (a database server down or restarting); the store
// reconnects by itself, so the caller says "try again in a moment".
struct store_unavailable : store_busy {
  using store_busy::store_busy;
};

// What open() is told besides where the store is.
struct store_options {
  // A webhook delivery claimed by one instance is left to it this long; after that (the
  // instance died mid-delivery) another instance takes it over. PostgreSQL only.
  std::chrono::milliseconds claim_for{60000};
};

// Durable storage of bookings ("leads") and their webhook outbox; the same database keeps
// the conversations of live sessions (conversation_store). Two implementations: SQLite
// (sqlite_store, one process, the default) and PostgreSQL (pg_store, shared by several instances).
// Every call is thread-safe; the server calls the writing ones from one thread per store.
class lead_store : public dialogue::slot_calendar, public conversation_store {
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
  // This thread's wait_limit deadline, if one lives.
  static std::optional<steady_clock::time_point> deadline();
  // Locks `mutex` within this thread's wait_limit (throws store_busy past it), or waits as
  // long as it takes when no wait_limit lives: each implementation's own lock.
  static std::unique_lock<std::timed_mutex> lock_within_limit(std::timed_mutex& mutex);

  // `where`: a postgresql:// (or postgres://) libpq URI, "sqlite:" and a path, or a plain
  // path (SQLite). Opens, creating what is needed, and migrates; the error says why not.
  static std::variant<std::unique_ptr<lead_store>, std::string> open(const std::string& where,
                                                                     store_options options = {});
  // Whether `where` names a PostgreSQL database.
  static bool is_postgresql(const std::string& where);

  // Whether open() made a new store (a mistyped --db does that: main says so).
  [[nodiscard]] virtual bool created() const = 0;
  // Whether the store answers now (reconnecting if needed); /readyz asks.
  virtual bool ping() = 0;

  // The booking and its outbox row in one transaction; returns after COMMIT (durable).
  // A slot already held gives slot_taken and stores nothing. Throws on storage failure.
  virtual book_result book(const dialogue::booking_request& request, time_point now) = 0;

  virtual std::vector<lead> leads() const = 0;
  virtual std::optional<lead> find(const std::string& reference) const = 0;
  virtual bool remove(const std::string& reference) = 0;  // frees the slot, drops webhooks

  // Webhook outbox: rows due at `now`, oldest first; dead letters are never due. With a
  // shared store the rows returned are claimed for this caller (store_options::claim_for).
  virtual std::vector<outbox_item> due(instant now, std::size_t limit) = 0;
  virtual std::optional<instant> next_due() const = 0;  // earliest pending attempt, if any
  virtual std::size_t pending_deliveries() const = 0;   // outbox rows still being tried
  virtual std::size_t dead_letters() const = 0;         // outbox rows given up on
  virtual void delivered(std::int64_t id, instant now) = 0;
  virtual void retry_later(std::int64_t id, instant when, const std::string& error) = 0;
  virtual void dead_letter(std::int64_t id, instant now, const std::string& error) = 0;
  // Dead letters (all, or the one of `reference`) are due again at `now`, their age counted
  // anew; without a reference, gone endpoints are forgotten too.
  virtual requeued retry_deliveries(instant now, const std::optional<std::string>& reference) = 0;

  virtual void mark_gone(const std::string& url, instant now, const std::string& status) = 0;
  virtual std::optional<gone_endpoint> gone(const std::string& url) const = 0;
  virtual std::vector<gone_endpoint> gone_endpoints() const = 0;
};

// A --db value fit for a log: a URI's password replaced by "***".
std::string redacted_uri(const std::string& uri);

// "ADV-" and 10 characters of Crockford base32 from the OS's CSPRNG (50 bits).
std::string new_reference();

}  // namespace advisor::handoff
