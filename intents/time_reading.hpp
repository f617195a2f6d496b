#pragma once
// A typed choice of time, read before it meets the calendar: "tomorrow at 10", "next Tuesday
// afternoon", "monday 2pm", "2026-12-03 14:00", "3 Dec 14:30", "the first one", or an offered
// slot's own label. Dates are local to the consultancy's time zone.
//
// Deliberate readings: "<weekday>" and "next <weekday>" are the first such day after today
// ("monday" said on a Monday is a week ahead), "this <weekday>" includes today; a day and
// month without a year
// are the next such date; an hour without am/pm from 1 to 7 is in the afternoon (nobody books
// a consultation at 3 in the morning); numeric day/month forms ("3/12") are not read, because
// their order differs between countries.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include <date/date.h>

namespace advisor::intents {

enum class day_part { morning, afternoon, evening };

// The local times of day a part covers: [first, second).
std::pair<std::chrono::minutes, std::chrono::minutes> part_window(day_part part);
std::string_view part_name(day_part part);  // "morning", ...

struct time_request {
  std::optional<date::local_days> day;       // the (first) day asked for
  int days = 1;                              // with `day`: how many days ("next week": 7)
  std::optional<std::chrono::minutes> time;  // a time of day
  std::optional<day_part> part;
  std::optional<std::size_t> pick;  // 1-based position among the slots offered last
  bool pick_last = false;           // "the last one"
  bool earliest = false;            // "asap", "the earliest"
  bool bad_date = false;            // a date that does not exist ("31 Feb")

  bool empty() const {
    return !day && !time && !part && !pick && !pick_last && !earliest && !bad_date;
  }
};

// `today` is the local date in the consultancy's zone; `offered` how many slots were offered
// last, so that a lone "2" picks the second of them rather than 14:00.
time_request parse_time_request(std::string_view text, date::local_days today, std::size_t offered);

}  // namespace advisor::intents
