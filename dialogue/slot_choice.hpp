#pragma once
// What a typed time comes to against the calendar: the slot it names, or why it is no slot and
// the nearest free ones to offer instead; a day or a part of a day gives that window's free
// slots; "3/12" with an unknown order gives both readings to choose from. Times are read in
// the zone the visitor named or sees; hours, notice and the grid are the consultancy's.

#include <optional>
#include <string>
#include <vector>

#include "dialogue/booking_slots.hpp"
#include "intents/time_reading.hpp"

namespace advisor::dialogue {

struct slot_result {
  std::optional<time_point> chosen;
  std::string problem;  // empty when there is none (offers of a day asked for)
  std::string where;    // "on Tue 1 Dec in the afternoon": what the offers are within
  std::vector<time_point> offers;
  std::vector<std::string> choices;  // instead of offers: readings to choose from ("3/12")
  std::string note;                  // a reading made without asking ("I read 3/12 as ...")
};

class slot_choice {
 public:
  static constexpr std::size_t offers_shown = 4;

  explicit slot_choice(const slot_schedule& schedule) : schedule_{schedule} {}

  // `zone`: the zone the request is read in; `visitor`: the zone days are named in (may be
  // null: the consultancy's); `offered`: the slots shown last, for "the second one".
  slot_result resolve(const intents::time_request& request, const std::vector<time_point>& offered,
                      const date::time_zone& zone, const date::time_zone* visitor,
                      const turn_context& context) const;

  std::string describe(slot_problem problem, date::local_seconds local, time_point start,
                       const turn_context& context) const;

 private:
  slot_result pick(const intents::time_request& request, const std::vector<time_point>& offered,
                   const turn_context& context) const;
  slot_result exact(date::local_seconds local, const date::time_zone& zone,
                    const turn_context& context) const;
  slot_result either(const intents::time_request& request, const date::time_zone& zone,
                     const date::time_zone* visitor, const turn_context& context) const;
  slot_result window(const intents::time_request& request, const date::time_zone& zone,
                     const turn_context& context) const;
  // Outside the hours or off the grid, whatever the day: a time of day no day has.
  slot_problem grid_problem(std::chrono::minutes time_of_day) const;
  std::string why_none(const intents::time_request& request, const date::time_zone& zone,
                       date::local_days first_day, date::local_days end_day,
                       const std::string& where, const turn_context& context) const;
  std::string outside_hours(const date::time_zone& zone, date::local_seconds local,
                            time_point start, const turn_context& context) const;
  bool ours(const date::time_zone& zone) const { return zone.name() == schedule_.zone().name(); }

  const slot_schedule& schedule_;
};

}  // namespace advisor::dialogue
