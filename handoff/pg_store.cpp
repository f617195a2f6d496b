#include "handoff/pg_store.hpp"

#include <algorithm>
#include <array>

#include "handoff/lead_export.hpp"
#include "handoff/lead_rows.hpp"

namespace advisor::handoff {
namespace {

using steady_clock = std::chrono::steady_clock;

constexpr std::chrono::seconds taken_refresh{1};

// Each entry moves the schema one version up; advisor_schema records the versions applied.
// Times are unix seconds (bookings, sessions) and milliseconds (outbox), as in SQLite.
constexpr std::array<const char*, 1> migrations{
    R"sql(
CREATE TABLE bookings (
  reference         text PRIMARY KEY,
  created_at        bigint NOT NULL,
  slot_start        bigint NOT NULL UNIQUE,  -- one visitor per slot, whichever instance
  slot_minutes      integer NOT NULL,
  time_zone         text NOT NULL,
  name              text NOT NULL,
  email             text NOT NULL,
  company           text NOT NULL,
  project           text NOT NULL,
  recommendation    text,
  topics            text NOT NULL,
  transcript        text NOT NULL,
  visitor_time_zone text NOT NULL DEFAULT ''
);
CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  reference       text NOT NULL REFERENCES bookings(reference) ON DELETE CASCADE,
  payload         text NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  delivered_at    bigint,
  last_error      text,
  dead_at         bigint,
  age_from        bigint,
  claimed_until   bigint  -- an instance is delivering it until then
);
CREATE INDEX outbox_pending ON outbox(next_attempt_at)
  WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE TABLE sessions (
  token     text PRIMARY KEY,
  state     text NOT NULL,
  last_used bigint NOT NULL,
  version   bigint NOT NULL DEFAULT 1
);
CREATE TABLE webhook_gone (
  url    text PRIMARY KEY,
  at     bigint NOT NULL,
  status text NOT NULL
);
)sql"};

const std::string leads_sql = std::string{lead_select} + " ORDER BY b.created_at, b.reference";
const std::string find_sql = std::string{lead_select} + " WHERE b.reference = $1";

std::vector<pg_statement> lead_statements() {
  return {
      {"book",
       "WITH b AS (INSERT INTO bookings (reference, created_at, slot_start, slot_minutes, "
       "time_zone, name, email, company, project, recommendation, topics, transcript, "
       "visitor_time_zone) VALUES ($1, $2::bigint, $3::bigint, $4::integer, $5, $6, $7, $8, $9, "
       "$10, $11, $12, $13) ON CONFLICT (slot_start) DO NOTHING RETURNING reference) "
       "INSERT INTO outbox (reference, payload, next_attempt_at) "
       "SELECT reference, $14, $15::bigint FROM b RETURNING reference"},
      {"mine",
       "SELECT reference FROM bookings WHERE slot_start = $1::bigint AND name = $2 AND email = $3"},
      {"taken", "SELECT slot_start FROM bookings"},
      {"leads", leads_sql.c_str()},
      {"find", find_sql.c_str()},
      {"remove", "DELETE FROM bookings WHERE reference = $1"},
      // Claimed for this instance: rows another instance is claiming right now are skipped,
      // a claim past its expiry (its deliverer died) is taken over.
      {"claim",
       "UPDATE outbox o SET claimed_until = $2::bigint FROM bookings b "
       "WHERE b.reference = o.reference AND o.id IN (SELECT id FROM outbox "
       "WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= $1::bigint "
       "AND (claimed_until IS NULL OR claimed_until <= $1::bigint) "
       "ORDER BY next_attempt_at, id LIMIT $3::bigint FOR UPDATE SKIP LOCKED) "
       "RETURNING o.id, o.reference, o.payload, o.attempts, "
       "COALESCE(o.age_from, b.created_at * 1000), o.next_attempt_at"},
      {"next_due",
       "SELECT MIN(GREATEST(next_attempt_at, COALESCE(claimed_until, 0))) FROM outbox "
       "WHERE delivered_at IS NULL AND dead_at IS NULL"},
      {"pending", "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL"},
      {"dead", "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NOT NULL"},
      {"delivered",
       "UPDATE outbox SET delivered_at = $1::bigint, attempts = attempts + 1, last_error = NULL, "
       "claimed_until = NULL WHERE id = $2::bigint"},
      {"retry_later",
       "UPDATE outbox SET next_attempt_at = $1::bigint, attempts = attempts + 1, "
       "last_error = $2, claimed_until = NULL WHERE id = $3::bigint"},
      {"dead_letter",
       "UPDATE outbox SET dead_at = $1::bigint, attempts = attempts + 1, last_error = $2, "
       "claimed_until = NULL WHERE id = $3::bigint"},
      {"requeue",
       "UPDATE outbox SET dead_at = NULL, age_from = $1::bigint, next_attempt_at = $1::bigint, "
       "attempts = 0, claimed_until = NULL WHERE delivered_at IS NULL AND dead_at IS NOT NULL "
       "AND ($2::text IS NULL OR reference = $2::text)"},
      {"forget_gone", "DELETE FROM webhook_gone"},
      {"mark_gone",
       "INSERT INTO webhook_gone (url, at, status) VALUES ($1, $2::bigint, $3) "
       "ON CONFLICT (url) DO UPDATE SET at = excluded.at, status = excluded.status"},
      {"gone", "SELECT url, at, status FROM webhook_gone WHERE url = $1"},
      {"gone_all", "SELECT url, at, status FROM webhook_gone ORDER BY at, url"},
      {"ping", "SELECT 1"},
  };
}

lead lead_from_row(const pg_rows& rows, int r) {
  lead l;
  l.reference = rows.text(r, 0);
  l.created_at = from_unix(rows.integer(r, 1));
  l.slot_start = from_unix(rows.integer(r, 2));
  l.slot_length = std::chrono::minutes{rows.integer(r, 3)};
  l.time_zone = rows.text(r, 4);
  l.name = rows.text(r, 5);
  l.email = rows.text(r, 6);
  l.company = rows.text(r, 7);
  l.project = rows.text(r, 8);
  if (!rows.null(r, 9)) l.recommendation = rows.text(r, 9);
  l.topics = strings_from(rows.text(r, 10));
  l.transcript = transcript_from(rows.text(r, 11));
  l.delivered = rows.boolean(r, 12);
  l.visitor_time_zone = rows.text(r, 13);
  l.dead_letter = rows.boolean(r, 14);
  if (!rows.null(r, 15)) l.next_attempt = instant{std::chrono::milliseconds{rows.integer(r, 15)}};
  l.attempts = static_cast<int>(rows.integer(r, 16));
  l.last_error = rows.text(r, 17);
  return l;
}

std::vector<gone_endpoint> gone_from(const pg_rows& rows) {
  std::vector<gone_endpoint> out;
  for (int r = 0; r < rows.size(); ++r) {
    out.push_back({rows.text(r, 0), from_unix_ms(rows.integer(r, 1)), rows.text(r, 2)});
  }
  return out;
}

}  // namespace

std::string redacted_uri(const std::string& uri) {
  // postgresql://user:password@host/db: the part between the first ':' after the scheme and
  // the '@' is the password.
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return uri;
  const auto at = uri.find('@', scheme_end + 3);
  if (at == std::string::npos) return uri;
  const auto colon = uri.find(':', scheme_end + 3);
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon + 1) + "***" + uri.substr(at);
}

// The statements of bookings and the outbox, then those of conversations.
std::vector<pg_statement> pg_store::statements() {
  auto all = lead_statements();
  auto conversations = conversation_statements();
  all.insert(all.end(), conversations.begin(), conversations.end());
  return all;
}

pg_store::pg_store(const std::string& uri, store_options options)
    : options_{options}, conn_{uri, statements()} {}

pg_store::~pg_store() = default;

std::variant<std::unique_ptr<lead_store>, std::string> pg_store::open(const std::string& uri,
                                                                      store_options options) {
  try {
    auto store = std::unique_ptr<pg_store>{new pg_store{uri, options}};
    store->migrate();
    return std::unique_ptr<lead_store>{std::move(store)};
  } catch (const std::exception& e) {
    return redacted_uri(uri) + ": " + e.what();
  }
}

void pg_store::migrate() {
  const auto lock = hold();
  pg_transaction tx{conn_};
  conn_.exec(pg_schema_lock);
  conn_.exec(
      "CREATE TABLE IF NOT EXISTS advisor_schema (version integer PRIMARY KEY, "
      "applied_at timestamptz NOT NULL DEFAULT now())");
  const auto version = conn_.exec("SELECT COALESCE(MAX(version), 0) FROM advisor_schema");
  const auto at = static_cast<std::size_t>(version.integer(0, 0));
  if (at > migrations.size()) {
    throw std::runtime_error("the database is from a newer version of advisor (schema " +
                             std::to_string(at) + ")");
  }
  for (auto v = at; v < migrations.size(); ++v) {
    conn_.exec(migrations[v]);
    conn_.exec("INSERT INTO advisor_schema (version) VALUES ($1::integer)",
               {pg_text(static_cast<std::int64_t>(v + 1))});
  }
  tx.commit();
  created_ = at == 0;
}

std::unique_lock<std::timed_mutex> pg_store::hold() const {
  return lock_within_limit(mutex_);
}

bool pg_store::ping() {
  try {
    const wait_limit limit{steady_clock::now() + std::chrono::seconds{1}};
    const auto lock = hold();
    conn_.run("ping", {});
    return true;
  } catch (const store_unavailable&) {
    return false;
  } catch (const store_busy&) {
    return true;  // busy with a write: there
  } catch (const std::exception&) {
    return false;
  }
}

void pg_store::refresh_taken() const {
  const auto now = steady_clock::now();
  if (now - taken_at_ < taken_refresh) return;
  const auto rows = conn_.run("taken", {});
  std::set<std::int64_t> taken;
  for (int r = 0; r < rows.size(); ++r) taken.insert(rows.integer(r, 0));
  const std::lock_guard guard{taken_mutex_};
  taken_.swap(taken);
  taken_at_ = now;
}

book_result pg_store::book(const dialogue::booking_request& request, time_point now) {
  const auto lock = hold();
  const auto l = new_lead(request, now);
  const auto slot = pg_text(to_unix(l.slot_start));
  // One statement, so one transaction: the booking and its outbox row, or neither when the
  // slot is held (the UNIQUE constraint decides, whichever instance asked first).
  const auto stored =
      conn_.run("book", {l.reference, pg_text(to_unix(now)), slot, pg_text(l.slot_length.count()),
                         l.time_zone, l.name, l.email, l.company, l.project, l.recommendation,
                         strings_json(l.topics), transcript_json(l.transcript), l.visitor_time_zone,
                         lead_json(l), pg_text(to_unix_ms(instant{now}))});
  {
    const std::lock_guard guard{taken_mutex_};
    taken_.insert(to_unix(l.slot_start));
  }
  if (stored.size() == 1) return {book_result::kind::stored, l.reference, false};
  // The same visitor confirming the same slot again: their booking, not someone else's.
  const auto mine = conn_.run("mine", {slot, request.name, request.email});
  if (mine.size() == 1) return {book_result::kind::stored, mine.text(0, 0), true};
  return {book_result::kind::slot_taken, {}, false};
}

bool pg_store::is_taken(time_point slot_start) const {
  // A chat turn never waits for the database: with the store busy or down, the last list
  // known answers (book() still has the constraint).
  if (std::unique_lock lock{mutex_, std::try_to_lock}; lock.owns_lock()) {
    try {
      refresh_taken();
    } catch (const std::exception&) {
      taken_at_ = steady_clock::now();  // not asked again at once
    }
  }
  const std::lock_guard guard{taken_mutex_};
  return taken_.contains(to_unix(slot_start));
}

std::vector<lead> pg_store::select_leads(const char* statement,
                                         const std::vector<pg_param>& params) const {
  const auto lock = hold();
  const auto rows = conn_.run(statement, params);
  std::vector<lead> out;
  for (int r = 0; r < rows.size(); ++r) out.push_back(lead_from_row(rows, r));
  return out;
}

std::vector<lead> pg_store::leads() const {
  return select_leads("leads", {});
}

std::optional<lead> pg_store::find(const std::string& reference) const {
  auto found = select_leads("find", {reference});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

bool pg_store::remove(const std::string& reference) {
  const auto lock = hold();
  const auto removed = conn_.run("remove", {reference});
  taken_at_ = {};  // reload the held slots on the next question
  return removed.affected() > 0;
}

std::vector<outbox_item> pg_store::due(instant now, std::size_t limit) {
  const auto lock = hold();
  const auto until = now + options_.claim_for;
  const auto rows = conn_.run("claim", {pg_text(to_unix_ms(now)), pg_text(to_unix_ms(until)),
                                        pg_text(static_cast<std::int64_t>(limit))});
  std::vector<std::pair<std::int64_t, outbox_item>> claimed;
  for (int r = 0; r < rows.size(); ++r) {
    claimed.push_back({rows.integer(r, 5),
                       {rows.integer(r, 0), rows.text(r, 1), rows.text(r, 2),
                        static_cast<int>(rows.integer(r, 3)), from_unix_ms(rows.integer(r, 4))}});
  }
  // RETURNING keeps no order: oldest first, as the SQLite store gives them.
  std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) {
    return std::pair{a.first, a.second.id} < std::pair{b.first, b.second.id};
  });
  std::vector<outbox_item> out;
  for (auto& [at, item] : claimed) out.push_back(std::move(item));
  return out;
}

std::optional<instant> pg_store::next_due() const {
  const auto lock = hold();
  const auto rows = conn_.run("next_due", {});
  if (rows.size() == 0 || rows.null(0, 0)) return std::nullopt;
  return from_unix_ms(rows.integer(0, 0));
}

std::size_t pg_store::pending_deliveries() const {
  const auto lock = hold();
  return static_cast<std::size_t>(conn_.run("pending", {}).integer(0, 0));
}

std::size_t pg_store::dead_letters() const {
  const auto lock = hold();
  return static_cast<std::size_t>(conn_.run("dead", {}).integer(0, 0));
}

void pg_store::delivered(std::int64_t id, instant now) {
  const auto lock = hold();
  conn_.run("delivered", {pg_text(to_unix_ms(now)), pg_text(id)});
}

void pg_store::retry_later(std::int64_t id, instant when, const std::string& error) {
  const auto lock = hold();
  conn_.run("retry_later", {pg_text(to_unix_ms(when)), error, pg_text(id)});
}

void pg_store::dead_letter(std::int64_t id, instant now, const std::string& error) {
  const auto lock = hold();
  conn_.run("dead_letter", {pg_text(to_unix_ms(now)), error, pg_text(id)});
}

requeued pg_store::retry_deliveries(instant now, const std::optional<std::string>& reference) {
  const auto lock = hold();
  pg_transaction tx{conn_};
  requeued out;
  out.deliveries = conn_.run("requeue", {pg_text(to_unix_ms(now)), reference}).affected();
  if (!reference) out.endpoints = conn_.run("forget_gone", {}).affected();
  tx.commit();
  return out;
}

void pg_store::mark_gone(const std::string& url, instant now, const std::string& status) {
  const auto lock = hold();
  conn_.run("mark_gone", {url, pg_text(to_unix_ms(now)), status});
}

std::optional<gone_endpoint> pg_store::gone(const std::string& url) const {
  const auto lock = hold();
  auto found = gone_from(conn_.run("gone", {url}));
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<gone_endpoint> pg_store::gone_endpoints() const {
  const auto lock = hold();
  return gone_from(conn_.run("gone_all", {}));
}

}  // namespace advisor::handoff
