// The review store in the PostgreSQL database of the bookings (handoff/review_store.hpp).

#include <mutex>

#include "handoff/lead_rows.hpp"
#include "handoff/pg_connection.hpp"
#include "handoff/review_store.hpp"

namespace advisor::handoff {
namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS review_questions (
  key        text PRIMARY KEY,
  text       text NOT NULL,
  reply      text NOT NULL,
  intent     text NOT NULL,
  confidence double precision NOT NULL,
  count      bigint NOT NULL,
  first_seen bigint NOT NULL,
  last_seen  bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS review_questions_last_seen ON review_questions(last_seen);
)sql";

std::vector<pg_statement> statements() {
  return {
      {"review_upsert",
       "INSERT INTO review_questions AS r (key, text, reply, intent, confidence, count, "
       "first_seen, last_seen) VALUES ($1, $2, $3, $4, $5::double precision, 1, $6::bigint, "
       "$6::bigint) ON CONFLICT (key) DO UPDATE SET count = r.count + 1, text = excluded.text, "
       "reply = excluded.reply, intent = excluded.intent, confidence = excluded.confidence, "
       "last_seen = GREATEST(r.last_seen, excluded.last_seen), first_seen = "
       "LEAST(r.first_seen, excluded.first_seen)"},
      {"review_purge", "DELETE FROM review_questions WHERE last_seen < $1::bigint"},
      {"review_recent",
       "SELECT key, text, reply, intent, confidence::text, count, first_seen, last_seen FROM "
       "review_questions ORDER BY last_seen DESC, key LIMIT $1::bigint"},
      {"review_remove", "DELETE FROM review_questions WHERE key = $1"},
  };
}

std::string seconds_text(time_point t) {
  return pg_text(to_unix(t));
}

class pg_review_store final : public review_store {
 public:
  explicit pg_review_store(const std::string& uri) : conn_{uri, statements()} {
    pg_transaction transaction{conn_};
    conn_.exec(pg_schema_lock);  // CREATE ... IF NOT EXISTS is not safe when run concurrently
    conn_.exec(schema);
    transaction.commit();
  }

  void record(const std::vector<review_note>& notes) override {
    const std::lock_guard lock{mutex_};
    pg_transaction transaction{conn_};
    for (const auto& note : notes) {
      conn_.run("review_upsert", {note.key, note.text, note.reply, note.intent,
                                  std::to_string(note.confidence), seconds_text(note.at)});
    }
    transaction.commit();
  }

  std::size_t purge(time_point seen_before) override {
    const std::lock_guard lock{mutex_};
    return conn_.run("review_purge", {seconds_text(seen_before)}).affected();
  }

  std::vector<review_group> recent(std::size_t limit) const override {
    const std::lock_guard lock{mutex_};
    const auto rows = conn_.run("review_recent", {pg_text(static_cast<std::int64_t>(limit))});
    std::vector<review_group> out;
    for (int r = 0; r < rows.size(); ++r) {
      review_group g;
      g.key = rows.text(r, 0);
      g.text = rows.text(r, 1);
      g.reply = rows.text(r, 2);
      g.intent = rows.text(r, 3);
      g.confidence = std::stod(rows.text(r, 4));
      g.count = rows.integer(r, 5);
      g.first_seen = from_unix(rows.integer(r, 6));
      g.last_seen = from_unix(rows.integer(r, 7));
      out.push_back(std::move(g));
    }
    return out;
  }

  bool remove(const std::string& key) override {
    const std::lock_guard lock{mutex_};
    return conn_.run("review_remove", {key}).affected() > 0;
  }

 private:
  mutable std::mutex mutex_;
  mutable pg_connection conn_;
};

}  // namespace

std::unique_ptr<review_store> open_pg_review_store(const std::string& uri) {
  return std::make_unique<pg_review_store>(uri);
}

}  // namespace advisor::handoff
