// The review store in the SQLite file of the bookings (handoff/review_store.hpp).

#include <SQLiteCpp/SQLiteCpp.h>

#include <mutex>

#include "handoff/lead_rows.hpp"
#include "handoff/review_store.hpp"

namespace advisor::handoff {
namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS review_questions (
  key        TEXT PRIMARY KEY,
  text       TEXT NOT NULL,     -- masked, the latest wording
  reply      TEXT NOT NULL,     -- the latest reply
  intent     TEXT NOT NULL,
  confidence REAL NOT NULL,
  count      INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,  -- unix seconds
  last_seen  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS review_questions_last_seen ON review_questions(last_seen);
)sql";

class sqlite_review_store final : public review_store {
 public:
  explicit sqlite_review_store(const std::string& file)
      : db_{file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE} {
    db_.setBusyTimeout(5000);
    db_.exec(schema);
  }

  void record(const std::vector<review_note>& notes) override {
    const std::lock_guard lock{mutex_};
    SQLite::Transaction transaction{db_};
    SQLite::Statement upsert{
        db_,
        "INSERT INTO review_questions (key, text, reply, intent, confidence, count, first_seen, "
        "last_seen) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6) ON CONFLICT(key) DO UPDATE SET "
        "count = count + 1, text = excluded.text, reply = excluded.reply, intent = "
        "excluded.intent, confidence = excluded.confidence, last_seen = MAX(last_seen, "
        "excluded.last_seen), first_seen = MIN(first_seen, excluded.first_seen)"};
    for (const auto& note : notes) {
      upsert.bind(1, note.key);
      upsert.bind(2, note.text);
      upsert.bind(3, note.reply);
      upsert.bind(4, note.intent);
      upsert.bind(5, note.confidence);
      upsert.bind(6, to_unix(note.at));
      upsert.exec();
      upsert.reset();
    }
    transaction.commit();
  }

  std::size_t purge(time_point seen_before) override {
    const std::lock_guard lock{mutex_};
    SQLite::Statement remove{db_, "DELETE FROM review_questions WHERE last_seen < ?"};
    remove.bind(1, to_unix(seen_before));
    return static_cast<std::size_t>(remove.exec());
  }

  std::vector<review_group> recent(std::size_t limit) const override {
    const std::lock_guard lock{mutex_};
    SQLite::Statement q{db_,
                        "SELECT key, text, reply, intent, confidence, count, first_seen, "
                        "last_seen FROM review_questions ORDER BY last_seen DESC, key LIMIT ?"};
    q.bind(1, static_cast<std::int64_t>(limit));
    std::vector<review_group> out;
    while (q.executeStep()) {
      review_group g;
      g.key = q.getColumn(0).getString();
      g.text = q.getColumn(1).getString();
      g.reply = q.getColumn(2).getString();
      g.intent = q.getColumn(3).getString();
      g.confidence = q.getColumn(4).getDouble();
      g.count = q.getColumn(5).getInt64();
      g.first_seen = from_unix(q.getColumn(6).getInt64());
      g.last_seen = from_unix(q.getColumn(7).getInt64());
      out.push_back(std::move(g));
    }
    return out;
  }

  bool remove(const std::string& key) override {
    const std::lock_guard lock{mutex_};
    SQLite::Statement q{db_, "DELETE FROM review_questions WHERE key = ?"};
    q.bind(1, key);
    return q.exec() > 0;
  }

 private:
  mutable std::mutex mutex_;
  mutable SQLite::Database db_;
};

}  // namespace

std::unique_ptr<review_store> open_sqlite_review_store(const std::string& file) {
  return std::make_unique<sqlite_review_store>(file);
}

}  // namespace advisor::handoff
