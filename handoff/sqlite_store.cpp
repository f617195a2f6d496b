#include "handoff/sqlite_store.hpp"

#include "handoff/lead_export.hpp"
#include "handoff/lead_rows.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <thread>

namespace advisor::handoff {
namespace {

using steady_clock = std::chrono::steady_clock;

// Without a wait_limit, a lock is waited for this long (SQLite's busy timeout of old).
constexpr std::chrono::milliseconds default_busy_wait{5000};

// SQLite's busy handler: retries every few milliseconds until the deadline (the wait_limit's,
// or the default from the first retry of this lock), then gives up with SQLITE_BUSY.
int wait_while_busy(void*, int retries) {
  thread_local steady_clock::time_point first_retry;
  const auto now = steady_clock::now();
  if (retries == 0) first_retry = now;
  const auto deadline = lead_store::deadline().value_or(first_retry + default_busy_wait);
  if (now >= deadline) return 0;
  const auto step = std::chrono::milliseconds{std::min(2 + retries, 20)};
  std::this_thread::sleep_for(std::min<steady_clock::duration>(step, deadline - now));
  return 1;
}

// Each entry moves the schema one version up; user_version records how far a file is.
constexpr std::array<const char*, 4> migrations{
    R"sql(
CREATE TABLE bookings (
  reference      TEXT PRIMARY KEY,
  created_at     INTEGER NOT NULL,
  slot_start     INTEGER NOT NULL UNIQUE,  -- unix seconds, UTC: one visitor per slot
  slot_minutes   INTEGER NOT NULL,
  time_zone      TEXT NOT NULL,
  name           TEXT NOT NULL,
  email          TEXT NOT NULL,
  company        TEXT NOT NULL,
  project        TEXT NOT NULL,
  recommendation TEXT,
  topics         TEXT NOT NULL,            -- JSON array
  transcript     TEXT NOT NULL             -- JSON array of {speaker, text}
);
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  reference       TEXT NOT NULL REFERENCES bookings(reference) ON DELETE CASCADE,
  payload         TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,         -- unix milliseconds
  delivered_at    INTEGER,                  -- unix milliseconds
  last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE delivered_at IS NULL;
CREATE TABLE sessions (
  token     TEXT PRIMARY KEY,
  state     TEXT NOT NULL,
  last_used INTEGER NOT NULL
);
)sql",
    // The zone the visitor saw the slot in ('' before it was recorded, or when unknown).
    R"sql(
ALTER TABLE bookings ADD COLUMN visitor_time_zone TEXT NOT NULL DEFAULT '';
)sql",
    // Dead letters (given up after the maximum age), the age's start (NULL: the booking's
    // creation; a retry by command restarts it), and receivers that answered 410 Gone.
    R"sql(
ALTER TABLE outbox ADD COLUMN dead_at INTEGER;   -- unix milliseconds
ALTER TABLE outbox ADD COLUMN age_from INTEGER;  -- unix milliseconds
CREATE TABLE webhook_gone (
  url    TEXT PRIMARY KEY,
  at     INTEGER NOT NULL,  -- unix milliseconds
  status TEXT NOT NULL
);
)sql",
    // A version per saved conversation: a save based on an older one is refused (optimistic
    // concurrency; see docs/operations.md).
    R"sql(
ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
)sql"};

lead lead_from_row(SQLite::Statement& q) {
  lead l;
  l.reference = q.getColumn(0).getString();
  l.created_at = from_unix(q.getColumn(1).getInt64());
  l.slot_start = from_unix(q.getColumn(2).getInt64());
  l.slot_length = std::chrono::minutes{q.getColumn(3).getInt()};
  l.time_zone = q.getColumn(4).getString();
  l.name = q.getColumn(5).getString();
  l.email = q.getColumn(6).getString();
  l.company = q.getColumn(7).getString();
  l.project = q.getColumn(8).getString();
  if (!q.getColumn(9).isNull()) l.recommendation = q.getColumn(9).getString();
  l.topics = strings_from(q.getColumn(10).getString());
  l.transcript = transcript_from(q.getColumn(11).getString());
  l.delivered = q.getColumn(12).getInt() != 0;
  l.visitor_time_zone = q.getColumn(13).getString();
  l.dead_letter = q.getColumn(14).getInt() != 0;
  if (!q.getColumn(15).isNull()) l.next_attempt = from_unix_ms(q.getColumn(15).getInt64());
  l.attempts = q.getColumn(16).getInt();
  l.last_error = q.getColumn(17).getString();
  return l;
}

}  // namespace

bool is_busy(const SQLite::Exception& e) {
  return (e.getErrorCode() & 0xFF) == SQLITE_BUSY || (e.getErrorCode() & 0xFF) == SQLITE_LOCKED;
}

std::unique_lock<std::timed_mutex> sqlite_store::hold() const {
  return lock_within_limit(mutex_);
}

sqlite_store::sqlite_store(std::unique_ptr<SQLite::Database> db) : db_{std::move(db)} {}
sqlite_store::~sqlite_store() = default;

std::variant<std::unique_ptr<lead_store>, std::string> sqlite_store::open(
    const std::filesystem::path& file) {
  try {
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
    const bool existed = std::filesystem::exists(file);
    auto db = std::make_unique<SQLite::Database>(file.string(),
                                                 SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    // First: another process (`advisor leads`, a second instance starting) may hold the file.
    sqlite3_busy_handler(db->getHandle(), wait_while_busy, nullptr);
    db->exec("PRAGMA journal_mode=WAL");
    db->exec("PRAGMA synchronous=FULL");  // a confirmed booking survives power loss
    db->exec("PRAGMA foreign_keys=ON");
    auto store = std::unique_ptr<sqlite_store>{new sqlite_store{std::move(db)}};
    store->created_ = !existed;
    store->migrate();
    store->refresh_taken();
    return std::unique_ptr<lead_store>{std::move(store)};
  } catch (const std::exception& e) {
    return file.string() + ": " + e.what();
  }
}

void sqlite_store::migrate() {
  // One writer at a time, and the version read inside the lock: two processes starting on one
  // file must not both run a step.
  SQLite::Transaction tx{*db_, SQLite::TransactionBehavior::IMMEDIATE};
  const auto version = db_->execAndGet("PRAGMA user_version").getInt();
  if (version > static_cast<int>(migrations.size())) {
    throw std::runtime_error("the database is from a newer version of advisor (schema " +
                             std::to_string(version) + ")");
  }
  for (auto v = static_cast<std::size_t>(version); v < migrations.size(); ++v) {
    db_->exec(migrations[v]);
    db_->exec("PRAGMA user_version = " + std::to_string(v + 1));
  }
  tx.commit();
}

void sqlite_store::refresh_taken() const {
  const auto version = db_->execAndGet("PRAGMA data_version").getInt64();
  if (version == data_version_) return;
  std::set<std::int64_t> taken;
  SQLite::Statement q{*db_, "SELECT slot_start FROM bookings"};
  while (q.executeStep()) taken.insert(q.getColumn(0).getInt64());
  taken_.swap(taken);
  data_version_ = version;
}

book_result sqlite_store::book(const dialogue::booking_request& request, time_point now) {
  const auto lock = hold();
  refresh_taken();
  const auto slot = to_unix(request.slot_start);
  if (taken_.contains(slot)) {
    // The same visitor confirming the same slot again: their booking, not someone else's.
    SQLite::Statement mine{*db_,
                           "SELECT reference FROM bookings WHERE slot_start = ? AND name = ? "
                           "AND email = ?"};
    mine.bind(1, slot);
    mine.bind(2, request.name);
    mine.bind(3, request.email);
    if (mine.executeStep()) return {book_result::kind::stored, mine.getColumn(0).getString(), true};
    return {book_result::kind::slot_taken, {}, false};
  }

  const auto l = new_lead(request, now);

  try {
    SQLite::Transaction tx{*db_, SQLite::TransactionBehavior::IMMEDIATE};
    SQLite::Statement insert{*db_,
                             "INSERT INTO bookings (reference, created_at, slot_start, "
                             "slot_minutes, time_zone, name, email, company, project, "
                             "recommendation, topics, transcript, visitor_time_zone) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"};
    insert.bind(1, l.reference);
    insert.bind(2, to_unix(now));
    insert.bind(3, slot);
    insert.bind(4, static_cast<int>(l.slot_length.count()));
    insert.bind(5, l.time_zone);
    insert.bind(6, l.name);
    insert.bind(7, l.email);
    insert.bind(8, l.company);
    insert.bind(9, l.project);
    if (l.recommendation) {
      insert.bind(10, *l.recommendation);
    } else {
      insert.bind(10);
    }
    insert.bind(11, strings_json(l.topics));
    insert.bind(12, transcript_json(l.transcript));
    insert.bind(13, l.visitor_time_zone);
    insert.exec();

    SQLite::Statement outbox{*db_,
                             "INSERT INTO outbox (reference, payload, next_attempt_at) "
                             "VALUES (?, ?, ?)"};
    outbox.bind(1, l.reference);
    outbox.bind(2, lead_json(l));
    outbox.bind(3, to_unix_ms(instant{now}));
    outbox.exec();
    tx.commit();
  } catch (const SQLite::Exception& e) {
    // Another process (or a bug in the cache) took the slot first: the UNIQUE constraint
    // is the last word.
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) {
      taken_.insert(slot);
      return {book_result::kind::slot_taken, {}, false};
    }
    if (is_busy(e)) throw store_busy{e.what()};
    throw;
  }
  taken_.insert(slot);
  return {book_result::kind::stored, l.reference, false};
}

bool sqlite_store::is_taken(time_point slot_start) const {
  const auto lock = hold();
  try {
    refresh_taken();
  } catch (const std::exception&) {
    // Storage trouble: answer from what is known; book() still has the UNIQUE constraint.
  }
  return taken_.contains(to_unix(slot_start));
}

std::vector<lead> sqlite_store::leads() const {
  const auto lock = hold();
  SQLite::Statement q{*db_, std::string{lead_select} + " ORDER BY b.created_at, b.reference"};
  std::vector<lead> out;
  while (q.executeStep()) out.push_back(lead_from_row(q));
  return out;
}

std::optional<lead> sqlite_store::find(const std::string& reference) const {
  const auto lock = hold();
  SQLite::Statement q{*db_, std::string{lead_select} + " WHERE b.reference = ?"};
  q.bind(1, reference);
  if (!q.executeStep()) return std::nullopt;
  return lead_from_row(q);
}

bool sqlite_store::remove(const std::string& reference) {
  const auto lock = hold();
  SQLite::Transaction tx{*db_, SQLite::TransactionBehavior::IMMEDIATE};
  SQLite::Statement slot{*db_, "SELECT slot_start FROM bookings WHERE reference = ?"};
  slot.bind(1, reference);
  if (!slot.executeStep()) return false;
  const auto start = slot.getColumn(0).getInt64();
  slot.reset();
  SQLite::Statement del{*db_, "DELETE FROM bookings WHERE reference = ?"};
  del.bind(1, reference);
  del.exec();
  tx.commit();
  taken_.erase(start);
  return true;
}

std::vector<outbox_item> sqlite_store::due(instant now, std::size_t limit) {
  const auto lock = hold();
  SQLite::Statement q{*db_,
                      "SELECT o.id, o.reference, o.payload, o.attempts, "
                      "COALESCE(o.age_from, b.created_at * 1000) FROM outbox o "
                      "JOIN bookings b ON b.reference = o.reference "
                      "WHERE o.delivered_at IS NULL AND o.dead_at IS NULL "
                      "AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.id LIMIT ?"};
  q.bind(1, to_unix_ms(now));
  q.bind(2, static_cast<std::int64_t>(limit));
  std::vector<outbox_item> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                   q.getColumn(2).getString(), q.getColumn(3).getInt(),
                   from_unix_ms(q.getColumn(4).getInt64())});
  }
  return out;
}

std::optional<instant> sqlite_store::next_due() const {
  const auto lock = hold();
  SQLite::Statement q{*db_,
                      "SELECT MIN(next_attempt_at) FROM outbox "
                      "WHERE delivered_at IS NULL AND dead_at IS NULL"};
  if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
  return from_unix_ms(q.getColumn(0).getInt64());
}

std::size_t sqlite_store::pending_deliveries() const {
  const auto lock = hold();
  return static_cast<std::size_t>(
      db_->execAndGet("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL")
          .getInt64());
}

std::size_t sqlite_store::dead_letters() const {
  const auto lock = hold();
  return static_cast<std::size_t>(
      db_->execAndGet(
             "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NOT NULL")
          .getInt64());
}

void sqlite_store::delivered(std::int64_t id, instant now) {
  const auto lock = hold();
  SQLite::Statement q{*db_,
                      "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, "
                      "last_error = NULL WHERE id = ?"};
  q.bind(1, to_unix_ms(now));
  q.bind(2, id);
  q.exec();
}

void sqlite_store::retry_later(std::int64_t id, instant when, const std::string& error) {
  const auto lock = hold();
  SQLite::Statement q{*db_,
                      "UPDATE outbox SET next_attempt_at = ?, attempts = attempts + 1, "
                      "last_error = ? WHERE id = ?"};
  q.bind(1, to_unix_ms(when));
  q.bind(2, error);
  q.bind(3, id);
  q.exec();
}

void sqlite_store::dead_letter(std::int64_t id, instant now, const std::string& error) {
  const auto lock = hold();
  SQLite::Statement q{*db_,
                      "UPDATE outbox SET dead_at = ?, attempts = attempts + 1, last_error = ? "
                      "WHERE id = ?"};
  q.bind(1, to_unix_ms(now));
  q.bind(2, error);
  q.bind(3, id);
  q.exec();
}

requeued sqlite_store::retry_deliveries(instant now, const std::optional<std::string>& reference) {
  const auto lock = hold();
  SQLite::Transaction tx{*db_, SQLite::TransactionBehavior::IMMEDIATE};
  SQLite::Statement q{*db_,
                      "UPDATE outbox SET dead_at = NULL, age_from = ?1, next_attempt_at = ?1, "
                      "attempts = 0 WHERE delivered_at IS NULL AND dead_at IS NOT NULL "
                      "AND (?2 IS NULL OR reference = ?2)"};
  q.bind(1, to_unix_ms(now));
  if (reference) {
    q.bind(2, *reference);
  } else {
    q.bind(2);
  }
  requeued out;
  out.deliveries = static_cast<std::size_t>(q.exec());
  if (!reference) out.endpoints = static_cast<std::size_t>(db_->exec("DELETE FROM webhook_gone"));
  tx.commit();
  return out;
}

void sqlite_store::mark_gone(const std::string& url, instant now, const std::string& status) {
  const auto lock = hold();
  SQLite::Statement q{*db_,
                      "INSERT INTO webhook_gone (url, at, status) VALUES (?, ?, ?) "
                      "ON CONFLICT(url) DO UPDATE SET at = excluded.at, status = excluded.status"};
  q.bind(1, url);
  q.bind(2, to_unix_ms(now));
  q.bind(3, status);
  q.exec();
}

std::optional<gone_endpoint> sqlite_store::gone(const std::string& url) const {
  const auto lock = hold();
  SQLite::Statement q{*db_, "SELECT url, at, status FROM webhook_gone WHERE url = ?"};
  q.bind(1, url);
  if (!q.executeStep()) return std::nullopt;
  return gone_endpoint{q.getColumn(0).getString(), from_unix_ms(q.getColumn(1).getInt64()),
                       q.getColumn(2).getString()};
}

std::vector<gone_endpoint> sqlite_store::gone_endpoints() const {
  const auto lock = hold();
  SQLite::Statement q{*db_, "SELECT url, at, status FROM webhook_gone ORDER BY at, url"};
  std::vector<gone_endpoint> out;
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getString(), from_unix_ms(q.getColumn(1).getInt64()),
                   q.getColumn(2).getString()});
  }
  return out;
}

}  // namespace advisor::handoff
