#include "dialogue/slot_choice.hpp"

#include <algorithm>

namespace advisor::dialogue {
namespace {

using std::chrono::minutes;

minutes time_of_day(date::local_seconds t) {
  return std::chrono::duration_cast<minutes>(t - date::floor<date::days>(t));
}

date::local_days today_in(const date::time_zone& zone, const turn_context& context) {
  return date::floor<date::days>(zone.to_local(context.now));
}

// "Thu 3 Dec at 14:00", "Sat 12 Mar in the afternoon": a reading the visitor can tap.
std::string reading(const slot_schedule& schedule, date::local_days day,
                    const intents::time_request& request, const turn_context& context) {
  std::string out = schedule.day_label(day, context.now);
  if (request.time) out += " at " + clock_text(*request.time);
  if (request.part) out += " in the " + std::string{intents::part_name(*request.part)};
  return out;
}

// "on Tue 1 Dec in the afternoon", "between Mon 7 Dec and Sun 13 Dec", "from 15:00".
std::string where_text(const slot_schedule& schedule, const intents::time_request& request,
                       date::local_days first_day, date::local_days end_day,
                       const turn_context& context) {
  std::vector<std::string> parts;
  if (request.day && request.days == 1) {
    parts.push_back("on " + schedule.day_label(first_day, context.now));
  } else if (request.day) {
    parts.push_back("between " + schedule.day_label(first_day, context.now) + " and " +
                    schedule.day_label(end_day - date::days{1}, context.now));
  }
  if (request.part) parts.push_back("in the " + std::string{intents::part_name(*request.part)});
  if (request.after) parts.push_back("from " + clock_text(*request.after));
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : " ") + part;
  return out;
}

}  // namespace

slot_result slot_choice::resolve(const intents::time_request& request,
                                 const std::vector<time_point>& offered,
                                 const date::time_zone& zone, const date::time_zone* visitor,
                                 const turn_context& context) const {
  if (request.bad_date) {
    slot_result r;
    r.problem = "There is no such date.";
    r.offers = schedule_.next_free(context, offers_shown);
    return r;
  }
  if (request.pick || request.pick_last) return pick(request, offered, context);
  if (request.earliest) {
    slot_result r;
    const auto first = schedule_.next_free(context, 1);
    if (!first.empty()) r.chosen = first.front();
    return r;
  }
  if (request.either) return either(request, zone, visitor, context);
  if (request.day && request.time && request.days == 1) {
    return exact(*request.day + *request.time, zone, context);
  }
  return window(request, zone, context);
}

slot_result slot_choice::pick(const intents::time_request& request,
                              const std::vector<time_point>& offered,
                              const turn_context& context) const {
  slot_result r;
  const std::size_t count = offered.size();
  const std::size_t index = request.pick_last ? count : *request.pick;
  if (index < 1 || index > count) {
    r.problem = count == 0 ? "I haven't offered any slots yet."
                           : "I offered only " + std::to_string(count) + " slots.";
    r.offers = schedule_.next_free(context, offers_shown);
    return r;
  }
  const time_point start = offered[index - 1];
  const slot_problem problem = schedule_.check(start, context);
  if (problem == slot_problem::none) {
    r.chosen = start;
    return r;
  }
  r.problem = describe(problem, schedule_.to_local(start), start, context);
  r.offers = schedule_.nearest_free(context, start, offers_shown);
  return r;
}

// A day and a time of day, in `zone`: that slot, or why not and the nearest free ones.
slot_result slot_choice::exact(date::local_seconds local, const date::time_zone& zone,
                               const turn_context& context) const {
  slot_result r;
  const date::local_seconds ours_local =
      ours(zone) ? local : schedule_.to_local(zone.to_sys(local, date::choose::earliest));
  const slot_check check = schedule_.check_local(ours_local, context);
  if (check.problem == slot_problem::none) {
    r.chosen = check.start;
    return r;
  }
  r.problem = check.problem == slot_problem::outside_hours
                  ? outside_hours(zone, local, check.start, context)
                  : describe(check.problem, ours_local, check.start, context);
  r.offers = schedule_.nearest_free(context, check.start, offers_shown);
  return r;
}

// "3/12" when the locale does not settle the order: the one reading that can be booked, else
// both to choose from.
slot_result slot_choice::either(const intents::time_request& request, const date::time_zone& zone,
                                const date::time_zone* visitor, const turn_context& context) const {
  const auto today = today_in(zone, context);
  const auto last = today + date::days{schedule_.hours().horizon_days};
  const auto [day_first, month_first] = *request.either;
  const auto bookable = [&](date::local_days d) { return d >= today && d <= last; };
  intents::time_request settled = request;
  settled.either.reset();
  if (bookable(day_first) != bookable(month_first)) {
    settled.day = bookable(day_first) ? day_first : month_first;
    slot_result r = resolve(settled, {}, zone, visitor, context);
    r.note = "I read that date as " + schedule_.day_label(*settled.day, context.now) + ".";
    return r;
  }
  slot_result r;
  const auto a = reading(schedule_, day_first, request, context);
  const auto b = reading(schedule_, month_first, request, context);
  if (!bookable(day_first)) {
    const auto why = [&](date::local_days d, const std::string& text) {
      return text + (d < today ? " has passed"
                               : " is more than " + std::to_string(schedule_.hours().horizon_days) +
                                     " days ahead");
    };
    r.problem = "That could be " + a + " or " + b + ", but " + why(day_first, a) + " and " +
                why(month_first, b) + ".";
    r.offers = schedule_.next_free(context, offers_shown);
    return r;
  }
  r.problem = "Do you mean " + a + " or " + b + "?";
  r.choices = {a, b};
  return r;
}

// A time without a day, a day or days without a time, a part of the day: the slots inside.
slot_result slot_choice::window(const intents::time_request& request, const date::time_zone& zone,
                                const turn_context& context) const {
  const availability& hours = schedule_.hours();
  const auto today = today_in(zone, context);
  const auto horizon_day =
      date::floor<date::days>(zone.to_local(context.now + date::days{hours.horizon_days}));
  const auto first_day = request.day.value_or(today);
  const auto end_day =
      request.day ? *request.day + date::days{request.days} : horizon_day + date::days{1};
  minutes from = ours(zone) ? hours.opens : minutes{0};
  minutes to = ours(zone) ? hours.closes : minutes{24 * 60};
  if (request.part) {
    const auto [part_from, part_to] = intents::part_window(*request.part);
    from = std::max(from, part_from);
    to = std::min(to, part_to);
  }
  if (request.after) from = std::max(from, *request.after);

  const std::string where = where_text(schedule_, request, first_day, end_day, context);

  slot_result r;
  const auto nearest_to = [&](minutes tod) {
    const auto target = zone.to_sys(date::local_seconds{first_day + tod}, date::choose::earliest);
    return schedule_.nearest_free(context, std::max(target, context.now), offers_shown);
  };

  if (request.time && ours(zone)) {
    // A time of day the grid never has, whatever the day: say so before searching.
    const slot_problem problem = grid_problem(*request.time);
    if (problem != slot_problem::none) {
      r.problem = describe(problem, first_day + *request.time, {}, context);
      r.offers = nearest_to(*request.time);
      return r;
    }
  }

  const auto inside = [&](time_point t) {
    const auto local = zone.to_local(t);
    const auto day = date::floor<date::days>(local);
    const minutes tod = time_of_day(local);
    if (day < first_day || day >= end_day) return false;
    if (request.time) return tod == *request.time;
    return tod >= from && tod + hours.slot_length <= to;
  };
  auto free = schedule_.next_free(context, offers_shown, inside);
  if (!ours(zone) && !request.time && !request.part && !request.after) {
    // Far away, a day's first slots may fall in the visitor's night: their waking hours first.
    const auto awake = [&](time_point t) {
      const minutes tod = time_of_day(zone.to_local(t));
      return inside(t) && tod >= std::chrono::hours{7} && tod < std::chrono::hours{21};
    };
    if (auto waking = schedule_.next_free(context, offers_shown, awake); !waking.empty()) {
      free = std::move(waking);
    }
  }
  // A time names a slot; a day or a part of one asks which of its free slots suits.
  if (!free.empty()) {
    if (request.time) {
      r.chosen = free.front();
    } else {
      r.where = where;
      r.offers = free;
    }
    return r;
  }

  r.offers = nearest_to(request.time.value_or(from < to ? from : hours.opens));
  if (from >= to) {
    r.problem = "We don't hold consultations in the " +
                std::string{intents::part_name(*request.part)} + ": they run from " +
                schedule_.hours_text() + " (" + schedule_.zone().name() + ").";
  } else {
    r.problem = why_none(request, zone, first_day, end_day, where, context);
  }
  return r;
}

slot_problem slot_choice::grid_problem(minutes time_of_day) const {
  const availability& hours = schedule_.hours();
  if (time_of_day < hours.opens || time_of_day + hours.slot_length > hours.closes) {
    return slot_problem::outside_hours;
  }
  if ((time_of_day - hours.opens) % hours.slot_length != minutes{0}) return slot_problem::off_grid;
  return slot_problem::none;
}

std::string slot_choice::why_none(const intents::time_request& request, const date::time_zone& zone,
                                  date::local_days first_day, date::local_days end_day,
                                  const std::string& where, const turn_context& context) const {
  const availability& hours = schedule_.hours();
  const auto today = today_in(zone, context);
  const auto horizon_day =
      date::floor<date::days>(zone.to_local(context.now + date::days{hours.horizon_days}));
  if (request.day && end_day <= today) return "That day has already passed.";
  if (request.day && first_day > horizon_day) {
    return describe(slot_problem::too_far, {}, {}, context);
  }
  if (request.day && request.days == 1 && ours(zone) && !schedule_.is_workday(first_day)) {
    return describe(slot_problem::not_a_workday, first_day + minutes{0}, {}, context);
  }
  const auto bookable = schedule_.bookable(context.now);
  const bool any = std::any_of(bookable.begin(), bookable.end(), [&](time_point t) {
    const auto day = date::floor<date::days>(zone.to_local(t));
    return day >= first_day && day < end_day;
  });
  const auto soon_day = date::floor<date::days>(zone.to_local(context.now + hours.min_notice));
  if (!any && first_day <= soon_day) return describe(slot_problem::too_soon, {}, {}, context);
  if (!any && request.day) return describe(slot_problem::too_far, {}, {}, context);
  if (request.time) {
    const std::string at =
        clock_text(*request.time) + (ours(zone) ? "" : " " + place_name(zone) + " time");
    return "There's no free slot at " + at +
           (where.empty() ? " in the next " + std::to_string(hours.horizon_days) + " days"
                          : " " + where) +
           ". Consultations run from " + schedule_.hours_text() + " " +
           place_name(schedule_.zone()) + " time.";
  }
  std::string out = "There's no free slot " + where;
  if (!ours(zone)) {
    // Say when we are open in the visitor's own time: 09:00 to 17:00 Berlin is 19:00 to 03:00
    // in Sydney.
    const auto opens = zone.to_local(schedule_.zone().to_sys(
        date::local_seconds{first_day + hours.opens}, date::choose::earliest));
    const auto closes = zone.to_local(schedule_.zone().to_sys(
        date::local_seconds{first_day + hours.closes}, date::choose::earliest));
    out += ": consultations run from " + schedule_.hours_text() + " " +
           place_name(schedule_.zone()) + " time, which is " + clock_text(time_of_day(opens)) +
           " to " + clock_text(time_of_day(closes)) + " " + place_name(zone) + " time";
  }
  return out + ".";
}

std::string slot_choice::outside_hours(const date::time_zone& zone, date::local_seconds local,
                                       time_point start, const turn_context& context) const {
  if (ours(zone)) return describe(slot_problem::outside_hours, local, start, context);
  return clock_text(time_of_day(local)) + " " + place_name(zone) + " time is " +
         clock_text(time_of_day(schedule_.to_local(start))) + " in " +
         place_name(schedule_.zone()) + ", outside our hours: consultations run from " +
         schedule_.hours_text() + " " + place_name(schedule_.zone()) + " time.";
}

std::string slot_choice::describe(slot_problem problem, date::local_seconds local, time_point start,
                                  const turn_context& context) const {
  const availability& hours = schedule_.hours();
  const auto day = date::floor<date::days>(local);
  switch (problem) {
    case slot_problem::none:
      return {};
    case slot_problem::in_past:
      return "That time has already passed.";
    case slot_problem::too_soon: {
      const auto notice = hours.min_notice.count();
      return "That's too soon: we need at least " + std::to_string(notice) +
             (notice == 1 ? " hour's" : " hours'") + " notice.";
    }
    case slot_problem::too_far:
      return "That's too far ahead: we book up to " + std::to_string(hours.horizon_days) +
             " days in advance.";
    case slot_problem::not_a_workday:
      return "We don't hold consultations on " +
             std::string{weekday_name(date::weekday{day}.iso_encoding())} + "s; we're available " +
             schedule_.weekdays_text() + ".";
    case slot_problem::outside_hours:
      return clock_text(time_of_day(local)) + " is outside our hours: consultations run from " +
             schedule_.hours_text() + " (" + schedule_.zone().name() + ").";
    case slot_problem::off_grid:
      return "Consultations start every " + std::to_string(hours.slot_length.count()) +
             " minutes from " + clock_text(hours.opens) + ", so " + clock_text(time_of_day(local)) +
             " isn't one of them.";
    case slot_problem::clock_gap:
      return clock_text(time_of_day(local)) + " doesn't exist on " +
             schedule_.day_label(day, context.now) + " in " + schedule_.zone().name() +
             ": the clocks go forward that night.";
    case slot_problem::taken:
      return "Sorry, " + schedule_.label(start, context.now) + " is already taken.";
  }
  return {};
}

}  // namespace advisor::dialogue
