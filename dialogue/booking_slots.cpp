#include "dialogue/booking_slots.hpp"

#include <algorithm>
#include <array>

namespace advisor::dialogue {
namespace {

using std::chrono::minutes;

constexpr std::array<std::string_view, 8> weekday_names{
    "", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 13> month_abbreviations{
    "", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string two_digits(long value) {
  std::string out = std::to_string(value);
  return out.size() < 2 ? "0" + out : out;
}

minutes time_of_day(date::local_seconds t) {
  return std::chrono::duration_cast<minutes>(t - date::floor<date::days>(t));
}

}  // namespace

std::string_view weekday_name(unsigned iso) {
  return iso < weekday_names.size() ? weekday_names[iso] : std::string_view{};
}

std::string clock_text(minutes time) {
  return two_digits(time.count() / 60) + ":" + two_digits(time.count() % 60);
}

slot_schedule::slot_schedule(availability hours, const date::time_zone* zone)
    : hours_{std::move(hours)}, zone_{zone} {}

date::local_seconds slot_schedule::to_local(time_point t) const {
  return zone_->to_local(t);
}

date::local_days slot_schedule::local_day(time_point t) const {
  return date::floor<date::days>(to_local(t));
}

bool slot_schedule::is_workday(date::local_days day) const {
  const auto iso = static_cast<int>(date::weekday{day}.iso_encoding());
  return std::find(hours_.weekdays.begin(), hours_.weekdays.end(), iso) != hours_.weekdays.end();
}

std::vector<time_point> slot_schedule::bookable(time_point now) const {
  const time_point earliest = now + hours_.min_notice;
  const time_point latest = now + date::days{hours_.horizon_days};
  std::vector<time_point> out;
  for (auto day = local_day(now); day <= local_day(latest); day += date::days{1}) {
    if (!is_workday(day)) continue;
    for (auto start = hours_.opens; start + hours_.slot_length <= hours_.closes;
         start += hours_.slot_length) {
      const date::local_seconds local = day + start;
      // Skipped local times are no slot; a repeated one counts at its first occurrence only.
      if (zone_->get_info(local).result == date::local_info::nonexistent) continue;
      const time_point instant = zone_->to_sys(local, date::choose::earliest);
      if (instant < earliest || instant > latest) continue;
      out.push_back(instant);
    }
  }
  return out;
}

slot_check slot_schedule::check_local(date::local_seconds start,
                                      const turn_context& context) const {
  const auto info = zone_->get_info(start);
  const bool gap = info.result == date::local_info::nonexistent;
  // For a skipped time, date's `choose` gives the instant where the gap ends.
  slot_check out{zone_->to_sys(start, date::choose::earliest), slot_problem::none};
  const minutes tod = time_of_day(start);
  const auto day = date::floor<date::days>(start);
  if (out.start < context.now) {
    out.problem = slot_problem::in_past;
  } else if (out.start > context.now + date::days{hours_.horizon_days}) {
    out.problem = slot_problem::too_far;  // said first: a weekday far away is beside the point
  } else if (!is_workday(day)) {
    out.problem = slot_problem::not_a_workday;
  } else if (tod < hours_.opens || tod + hours_.slot_length > hours_.closes) {
    out.problem = slot_problem::outside_hours;
  } else if ((tod - hours_.opens) % hours_.slot_length != minutes{0}) {
    out.problem = slot_problem::off_grid;
  } else if (gap) {
    out.problem = slot_problem::clock_gap;
  } else {
    out.problem = check(out.start, context);
  }
  return out;
}

slot_problem slot_schedule::check(time_point start, const turn_context& context) const {
  if (start < context.now) return slot_problem::in_past;
  if (start < context.now + hours_.min_notice) return slot_problem::too_soon;
  if (start > context.now + date::days{hours_.horizon_days}) return slot_problem::too_far;
  if (taken(start, context)) return slot_problem::taken;
  return slot_problem::none;
}

bool slot_schedule::taken(time_point start, const turn_context& context) const {
  return context.calendar != nullptr && context.calendar->is_taken(start);
}

std::vector<time_point> slot_schedule::next_free(
    const turn_context& context, std::size_t count,
    const std::function<bool(time_point)>& keep) const {
  std::vector<time_point> out;
  for (const time_point start : bookable(context.now)) {
    if (out.size() >= count) break;
    if (keep && !keep(start)) continue;
    if (!taken(start, context)) out.push_back(start);
  }
  return out;
}

std::vector<time_point> slot_schedule::nearest_free(const turn_context& context, time_point target,
                                                    std::size_t count) const {
  auto candidates = bookable(context.now);
  const auto distance = [&](time_point t) { return t < target ? target - t : t - target; };
  // Stable: of two equally near slots the earlier comes first.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](time_point a, time_point b) { return distance(a) < distance(b); });
  std::vector<time_point> out;
  for (const time_point start : candidates) {
    if (out.size() >= count) break;
    if (!taken(start, context)) out.push_back(start);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string slot_schedule::day_label(date::local_days day, time_point now) const {
  const date::year_month_day ymd{day};
  std::string out{weekday_name(date::weekday{day}.iso_encoding()).substr(0, 3)};
  out += " " + std::to_string(static_cast<unsigned>(ymd.day())) + " " +
         std::string{month_abbreviations[static_cast<unsigned>(ymd.month())]};
  if (ymd.year() != date::year_month_day{local_day(now)}.year()) {
    out += " " + std::to_string(static_cast<int>(ymd.year()));
  }
  return out;
}

std::string slot_schedule::label(time_point start, time_point now) const {
  const auto local = to_local(start);
  return day_label(date::floor<date::days>(local), now) + ", " + clock_text(time_of_day(local)) +
         " (" + zone_->name() + ")";
}

std::string slot_schedule::label(time_point start, time_point now,
                                 const date::time_zone* visitor) const {
  if (visitor == nullptr || visitor->name() == zone_->name()) return label(start, now);
  const auto theirs = visitor->to_local(start);
  const auto ours = to_local(start);
  std::string out = day_label(date::floor<date::days>(theirs), now) + ", " +
                    clock_text(time_of_day(theirs)) + " " + place_name(*visitor) + " time (";
  if (date::floor<date::days>(ours) != date::floor<date::days>(theirs)) {
    out += day_label(date::floor<date::days>(ours), now) + ", ";
  }
  return out + clock_text(time_of_day(ours)) + " " + place_name(*zone_) + " time)";
}

const date::time_zone* find_zone(std::string_view name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

std::string place_name(const date::time_zone& zone) {
  const std::string name{zone.name()};
  if (name.starts_with("Etc/")) return name.substr(4);
  std::string city = name.substr(name.rfind('/') + 1);
  std::replace(city.begin(), city.end(), '_', ' ');
  return city;
}

std::string slot_schedule::weekdays_text() const {
  auto days = hours_.weekdays;
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  // Runs of three or more consecutive days read as "Monday to Friday".
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < days.size();) {
    std::size_t j = i;
    while (j + 1 < days.size() && days[j + 1] == days[j] + 1) ++j;
    const auto name = [&](std::size_t k) {
      return std::string{weekday_name(static_cast<unsigned>(days[k]))};
    };
    if (j - i >= 2) {
      parts.push_back(name(i) + " to " + name(j));
    } else {
      for (std::size_t k = i; k <= j; ++k) parts.push_back(name(k));
    }
    i = j + 1;
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

std::string slot_schedule::hours_text() const {
  return clock_text(hours_.opens) + " to " + clock_text(hours_.closes);
}

}  // namespace advisor::dialogue
