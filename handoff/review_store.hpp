#pragma once
// What visitors asked that the bot could not answer well (a fallback, an out-of-scope reply, a
// clarifying question, a low-confidence answer), masked and grouped by normalized text, for the
// operators' console ("To review"). Kept in the same database as the bookings (SQLite file or
// PostgreSQL) on a connection of its own, so the console's writes never queue behind a booking.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "handoff/lead_store.hpp"

namespace advisor::handoff {

// One qualifying message, already masked (intents::mask_personal).
struct review_note {
  std::string key;  // intents::review_key of `text`: what groups it
  std::string text;
  std::string reply;   // what the bot answered
  std::string intent;  // "fallback", "out_of_scope", "clarify", or the uncertain one
  double confidence = 0.0;
  time_point at{};
};

// A group of notes with the same key: the latest text and reply, how often, first and last.
struct review_group {
  std::string key;
  std::string text;
  std::string reply;
  std::string intent;
  double confidence = 0.0;
  std::int64_t count = 0;
  time_point first_seen{};
  time_point last_seen{};
};

class review_store {
 public:
  // The same `where` as lead_store::open. Creates its table when missing.
  static std::variant<std::unique_ptr<review_store>, std::string> open(const std::string& where);
  virtual ~review_store() = default;

  virtual void record(const std::vector<review_note>& notes) = 0;  // one transaction
  virtual std::size_t purge(time_point seen_before) = 0;  // groups last seen before; how many
  virtual std::vector<review_group> recent(std::size_t limit) const = 0;  // newest first
  virtual bool remove(const std::string& key) = 0;  // an operator dealt with it
};

std::unique_ptr<review_store> open_sqlite_review_store(const std::string& file);
std::unique_ptr<review_store> open_pg_review_store(const std::string& uri);

}  // namespace advisor::handoff
