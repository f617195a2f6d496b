#pragma once
// Consultation slots: the availability's weekly grid, a local wall-clock time in its zone,
// turned into UTC instants and checked against the notice, the horizon and the calendar.
// Daylight-saving changes are resolved here, once: a local time the clocks skip is no slot;
// a local time that happens twice is a slot only at its first occurrence (so a slot's label
// names exactly one instant).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <date/tz.h>

#include "dialogue/engine.hpp"

namespace advisor::dialogue {

// Why a requested start is not a bookable free slot.
enum class slot_problem {
  none,
  in_past,
  too_soon,       // within the minimum notice
  too_far,        // beyond the horizon
  not_a_workday,  // a weekday not in the availability
  outside_hours,  // before opening, or would end after closing
  off_grid,       // not on the 30-minute grid from the opening time
  clock_gap,      // the clocks skip this local time (daylight saving starts)
  taken,
};

struct slot_check {
  time_point start{};  // the instant the local time names (for a clock gap: where the gap ends)
  slot_problem problem = slot_problem::none;
};

class slot_schedule {
 public:
  // `zone` must outlive the schedule (the tz database lives for the whole process).
  slot_schedule(availability hours, const date::time_zone* zone);

  const availability& hours() const { return hours_; }
  const date::time_zone& zone() const { return *zone_; }

  date::local_seconds to_local(time_point t) const;
  date::local_days local_day(time_point t) const;

  // Every start that time rules allow (grid, weekdays, clock changes, notice, horizon), in
  // order, free or not.
  std::vector<time_point> bookable(time_point now) const;

  // A local wall-clock start checked against everything, the calendar last.
  slot_check check_local(date::local_seconds start, const turn_context& context) const;
  // An instant taken from the grid (an offered slot) checked again: time passes, slots go.
  slot_problem check(time_point start, const turn_context& context) const;

  // Up to `count` free slots, earliest first, among those `keep` accepts (all when empty).
  std::vector<time_point> next_free(const turn_context& context, std::size_t count,
                                    const std::function<bool(time_point)>& keep = {}) const;
  // Up to `count` free slots closest to `target`, in time order.
  std::vector<time_point> nearest_free(const turn_context& context, time_point target,
                                       std::size_t count) const;

  // "Tue 1 Dec, 10:00 (Europe/Berlin)"; the year is added when it is not the current one.
  std::string label(time_point start, time_point now) const;
  // In the visitor's zone with ours beside it when they differ:
  // "Tue 1 Dec, 04:00 New York time (10:00 Berlin time)".
  std::string label(time_point start, time_point now, const date::time_zone* visitor) const;
  // "Tue 1 Dec" (with the year when not the current one).
  std::string day_label(date::local_days day, time_point now) const;
  // "Monday to Friday", "Monday, Wednesday and Friday".
  std::string weekdays_text() const;
  // "09:00 to 17:00"
  std::string hours_text() const;

  bool is_workday(date::local_days day) const;

 private:
  bool taken(time_point start, const turn_context& context) const;

  availability hours_;
  const date::time_zone* zone_;
};

// "Monday", ...; `iso` is 1 = Monday ... 7 = Sunday.
std::string_view weekday_name(unsigned iso);
// "14:05"
std::string clock_text(std::chrono::minutes time_of_day);
// The tz database's zone of that name, or null: names come from saved sessions and tables that
// another machine's database may lack.
const date::time_zone* find_zone(std::string_view name);
// How people name a zone: "New York" for America/New_York, "UTC" for Etc/UTC.
std::string place_name(const date::time_zone& zone);

}  // namespace advisor::dialogue
