#pragma once
// A conversation with the real engine for booking tests: the real data files, a fake calendar
// and a clock the test sets (Monday 30 Nov 2026, 09:00 in Berlin, unless told otherwise).

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <date/date.h>

#include "dialogue/engine.hpp"
#include "tests/support/source_files.hpp"

namespace advisor::test {

using namespace advisor::dialogue;
using hrs = std::chrono::hours;
using mins = std::chrono::minutes;

inline engine_ptr make_engine(const availability& hours = {}) {
  engine_inputs inputs;
  inputs.intent_files = read_source_folder("intents/data");
  inputs.knowledge_files = read_source_folder("knowledge/data");
  inputs.hours = hours;
  auto built = build_engine(inputs);
  if (const auto* error = std::get_if<std::string>(&built)) FAIL(*error);
  return std::get<engine_ptr>(built);
}

inline const engine_ptr& berlin_engine() {
  static const engine_ptr built = make_engine();
  return built;
}

inline time_point utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}} + hrs{h} + mins{min};
}

inline date::local_days local_date(int y, unsigned m, unsigned d) {
  return date::local_days{date::year{y} / date::month{m} / date::day{d}};
}

class fake_calendar : public slot_calendar {
 public:
  bool is_taken(time_point start) const override { return taken.count(start) > 0; }
  std::set<time_point> taken;
};

// Monday 30 Nov 2026, 09:00 in Berlin. With 12 hours' notice the first slot is Tue 1 Dec 09:00.
inline const time_point monday_morning = utc(2026, 11, 30, 8);

struct chat {
  explicit chat(engine_ptr e = berlin_engine(), time_point now = monday_morning)
      : engine{std::move(e)} {
    context.now = now;
    context.calendar = &calendar;
  }
  chat(const chat&) = delete;
  chat& operator=(const chat&) = delete;

  reply say(std::string_view text) { return engine->respond(state, text, context); }
  std::string field() const {
    return state.form ? std::string{field_name(state.form->asking)} : std::string{};
  }

  engine_ptr engine;
  conversation state;
  fake_calendar calendar;
  turn_context context;
};

// Answers that take the form from its start to the field `until`.
inline void fill_until(chat& c, booking_field until) {
  const std::vector<std::pair<booking_field, std::string>> answers{
      {booking_field::name, "Ada Lovelace"},
      {booking_field::email, "ada@example.com"},
      {booking_field::company, "Analytical Ltd"},
      {booking_field::project, "A chat app for clinics"},
      {booking_field::slot, "the first one"},
      {booking_field::consent, "yes"},
  };
  c.say("Book a free consultation");
  for (const auto& [field, text] : answers) {
    if (field == until) break;
    REQUIRE(c.field() == field_name(field));
    const reply r = c.say(text);
    REQUIRE_FALSE(r.to_store.has_value());
  }
  REQUIRE(c.field() == field_name(until));
}

inline bool has_suggestion(const reply& r, const std::string& text) {
  return std::find(r.suggestions.begin(), r.suggestions.end(), text) != r.suggestions.end();
}

}  // namespace advisor::test
