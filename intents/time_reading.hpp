#pragma once
// A typed choice of time, read before it meets the calendar: "tomorrow at 10", "next Tuesday
// afternoon", "monday 2pm", "2026-12-03 14:00", "3 Dec 14:30", "the first one", or an offered
// slot's own label. Dates are local to the consultancy's time zone.
//
// Deliberate readings: "<weekday>" and "next <weekday>" are the first such day after today
// ("monday" said on a Monday is a week ahead), "this <weekday>" includes today; a day and
// month without a year are the next such date, and so is a day of the month alone ("the 4th at
// 11"); an hour without am/pm from 1 to 7 is in the afternoon (nobody books a consultation at
// 3 in the morning). "4.12." is day then month; "3/12" follows the visitor's locale, and where
// that does not settle it both readings are returned for the form to ask. A zone is read from
// an abbreviation after a time ("10am EST") or from "<place> time" ("UK time", "New York
// time"), where a place is a region, a country or any city of the tz database.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <date/date.h>

namespace advisor::intents {

enum class day_part { morning, afternoon, evening };

// The local times of day a part covers: [first, second).
std::pair<std::chrono::minutes, std::chrono::minutes> part_window(day_part part);
std::string_view part_name(day_part part);  // "morning", ...

// Which number comes first in "3/12": from the visitor's locale ("en-US": month).
enum class date_order { unknown, day_first, month_first };
date_order date_order_of(std::string_view locale);

struct time_request {
  std::optional<date::local_days> day;       // the (first) day asked for
  int days = 1;                              // with `day`: how many days ("next week": 7)
  std::optional<std::chrono::minutes> time;  // a time of day
  std::optional<day_part> part;
  std::optional<std::chrono::minutes> after;  // "after 3pm": slots from then on
  std::optional<std::size_t> pick;            // 1-based position among the slots offered last
  bool pick_last = false;                     // "the last one"
  bool earliest = false;                      // "asap", "the earliest"
  bool bad_date = false;                      // a date that does not exist ("31 Feb")
  std::optional<std::string> zone;            // the IANA zone the time was given in, when named
  // "3/12" when the order is unknown: {day first, month first}, both real dates.
  std::optional<std::pair<date::local_days, date::local_days>> either;

  bool empty() const {
    return !day && !time && !part && !after && !pick && !pick_last && !earliest && !bad_date &&
           !zone && !either;
  }
};

// `today` is the local date in the consultancy's zone; `offered` how many slots were offered
// last, so that a lone "2" picks the second of them rather than 14:00.
time_request parse_time_request(std::string_view text, date::local_days today, std::size_t offered,
                                date_order order = date_order::unknown);

// The IANA zone a place name means ("new york", "uk", "pacific", "est"), lower case words.
std::optional<std::string> zone_named(std::string_view words);

}  // namespace advisor::intents
