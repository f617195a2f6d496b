#include "intents/time_reading.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include <date/tz.h>

#include "intents/text.hpp"

namespace advisor::intents {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

struct named_number {
  std::string_view word;
  unsigned value;
};

constexpr std::array<named_number, 24> months{{
    {"jan", 1},  {"january", 1},  {"feb", 2},    {"february", 2},  {"mar", 3},  {"march", 3},
    {"apr", 4},  {"april", 4},    {"may", 5},    {"jun", 6},       {"june", 6}, {"jul", 7},
    {"july", 7}, {"aug", 8},      {"august", 8}, {"sep", 9},       {"sept", 9}, {"september", 9},
    {"oct", 10}, {"october", 10}, {"nov", 11},   {"november", 11}, {"dec", 12}, {"december", 12},
}};

constexpr std::array<named_number, 18> weekdays{{
    {"mon", 1},
    {"monday", 1},
    {"tue", 2},
    {"tues", 2},
    {"tuesday", 2},
    {"wed", 3},
    {"weds", 3},
    {"wednesday", 3},
    {"thu", 4},
    {"thur", 4},
    {"thurs", 4},
    {"thursday", 4},
    {"fri", 5},
    {"friday", 5},
    {"sat", 6},
    {"saturday", 6},
    {"sun", 7},
    {"sunday", 7},
}};

constexpr std::array<named_number, 12> hour_words{{{"one", 1},
                                                   {"two", 2},
                                                   {"three", 3},
                                                   {"four", 4},
                                                   {"five", 5},
                                                   {"six", 6},
                                                   {"seven", 7},
                                                   {"eight", 8},
                                                   {"nine", 9},
                                                   {"ten", 10},
                                                   {"eleven", 11},
                                                   {"twelve", 12}}};

constexpr std::array<named_number, 5> ordinals{
    {{"first", 1}, {"second", 2}, {"third", 3}, {"fourth", 4}, {"fifth", 5}}};

struct zone_word {
  std::string_view words;
  std::string_view zone;
};

// Abbreviations people put after a time ("10am EST"). Each names the zone people mean by it,
// daylight saving included: "EST" in July still means New York.
constexpr std::array<zone_word, 22> zone_abbreviations{{
    {"est", "America/New_York"},
    {"edt", "America/New_York"},
    {"et", "America/New_York"},
    {"cst", "America/Chicago"},
    {"cdt", "America/Chicago"},
    {"ct", "America/Chicago"},
    {"mst", "America/Denver"},
    {"mdt", "America/Denver"},
    {"pst", "America/Los_Angeles"},
    {"pdt", "America/Los_Angeles"},
    {"pt", "America/Los_Angeles"},
    {"gmt", "Etc/UTC"},
    {"utc", "Etc/UTC"},
    {"bst", "Europe/London"},
    {"cet", "Europe/Berlin"},
    {"cest", "Europe/Berlin"},
    {"eet", "Europe/Helsinki"},
    {"eest", "Europe/Helsinki"},
    {"ist", "Asia/Kolkata"},
    {"jst", "Asia/Tokyo"},
    {"aest", "Australia/Sydney"},
    {"sgt", "Asia/Singapore"},
}};

// Regions and countries said before "time" ("UK time", "eastern time"); cities come from the
// tz database itself.
constexpr std::array<zone_word, 53> zone_places{{
    {"eastern", "America/New_York"},
    {"us eastern", "America/New_York"},
    {"east coast", "America/New_York"},
    {"central", "America/Chicago"},
    {"us central", "America/Chicago"},
    {"mountain", "America/Denver"},
    {"pacific", "America/Los_Angeles"},
    {"us pacific", "America/Los_Angeles"},
    {"west coast", "America/Los_Angeles"},
    {"uk", "Europe/London"},
    {"british", "Europe/London"},
    {"england", "Europe/London"},
    {"german", "Europe/Berlin"},
    {"germany", "Europe/Berlin"},
    {"central european", "Europe/Berlin"},
    {"french", "Europe/Paris"},
    {"france", "Europe/Paris"},
    {"spain", "Europe/Madrid"},
    {"italy", "Europe/Rome"},
    {"dutch", "Europe/Amsterdam"},
    {"poland", "Europe/Warsaw"},
    {"irish", "Europe/Dublin"},
    {"ireland", "Europe/Dublin"},
    {"india", "Asia/Kolkata"},
    {"indian", "Asia/Kolkata"},
    {"japan", "Asia/Tokyo"},
    {"nyc", "America/New_York"},
    {"sf", "America/Los_Angeles"},
    // Big cities that are not zone names in the tz database.
    {"san francisco", "America/Los_Angeles"},
    {"seattle", "America/Los_Angeles"},
    {"silicon valley", "America/Los_Angeles"},
    {"boston", "America/New_York"},
    {"washington", "America/New_York"},
    {"dc", "America/New_York"},
    {"miami", "America/New_York"},
    {"atlanta", "America/New_York"},
    {"philadelphia", "America/New_York"},
    {"austin", "America/Chicago"},
    {"dallas", "America/Chicago"},
    {"houston", "America/Chicago"},
    {"munich", "Europe/Berlin"},
    {"frankfurt", "Europe/Berlin"},
    {"hamburg", "Europe/Berlin"},
    {"barcelona", "Europe/Madrid"},
    {"milan", "Europe/Rome"},
    {"manchester", "Europe/London"},
    {"edinburgh", "Europe/London"},
    {"mumbai", "Asia/Kolkata"},
    {"bangalore", "Asia/Kolkata"},
    {"bengaluru", "Asia/Kolkata"},
    {"delhi", "Asia/Kolkata"},
    {"beijing", "Asia/Shanghai"},
    {"montreal", "America/Toronto"},
}};

// Every city of the tz database by its lower-case name ("new york" -> "America/New_York"),
// built once: the database is loaded once per process.
const std::map<std::string, std::string>& city_zones() {
  static const std::map<std::string, std::string> index = [] {
    std::map<std::string, std::string> out;
    for (const auto& zone : date::get_tzdb().zones) {
      const std::string name{zone.name()};
      const auto slash = name.rfind('/');
      if (slash == std::string::npos || name.starts_with("Etc/")) continue;
      std::string city = name.substr(slash + 1);
      for (char& c : city) {
        c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      out.emplace(std::move(city), name);
    }
    return out;
  }();
  return index;
}

std::optional<std::string> zone_in(std::string_view words, const auto& table) {
  const auto it = std::find_if(table.begin(), table.end(),
                               [&](const zone_word& z) { return z.words == words; });
  if (it == table.end()) return std::nullopt;
  return std::string{it->zone};
}

struct month_part {
  std::string_view word;
  unsigned first;  // first day of the month's part
  unsigned last;   // last day (31: to the month's end)
};

// "mid February", "early March", "end of January".
constexpr std::array<month_part, 6> month_parts{{
    {"early", 1, 10},
    {"beginning", 1, 10},
    {"start", 1, 10},
    {"mid", 11, 20},
    {"late", 21, 31},
    {"end", 21, 31},
}};

constexpr std::array<std::string_view, 5> tomorrow_words{"tomorrow", "tmrw", "tomorow", "tommorow",
                                                         "tmr"};
constexpr std::array<std::string_view, 5> earliest_words{"earliest", "soonest", "asap", "anytime",
                                                         "whenever"};
// Words before a number that make it a time of day: "at 10", "around 3".
constexpr std::array<std::string_view, 5> time_cues{"at", "around", "about", "by", "from"};
// Words before a number that make it a position: "option 2", "number 3".
constexpr std::array<std::string_view, 3> pick_cues{"option", "number", "slot"};
// Words that may surround a lone number without changing its meaning ("the 2nd one please").
constexpr std::array<std::string_view, 14> filler{"the",    "one", "option", "slot", "number",
                                                  "please", "ok",  "okay",   "pick", "take",
                                                  "choose", "i",   "ll",     "go"};

template <std::size_t n>
std::optional<unsigned> lookup(const std::array<named_number, n>& table, std::string_view word) {
  const auto it = std::find_if(table.begin(), table.end(),
                               [&](const named_number& e) { return e.word == word; });
  if (it == table.end()) return std::nullopt;
  return it->value;
}

using text::among;

std::optional<unsigned> month_of(std::string_view word) {
  return lookup(months, word);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

unsigned to_number(std::string_view s) {
  unsigned value = 0;
  for (const char c : s) {
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 100000) break;  // large numbers mean nothing here; avoid overflow
  }
  return value;
}

// Splits "x:y" or "a-b-c" into digit parts; empty when the shape does not hold.
std::vector<unsigned> digit_parts(std::string_view s, char separator) {
  std::vector<unsigned> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = s.find(separator, start);
    const auto part = s.substr(start, end == std::string_view::npos ? end : end - start);
    if (!all_digits(part) || part.size() > 4) return {};
    parts.push_back(to_number(part));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

// Lower-case words and numbers; "14:30" and "2026-12-03" stay whole, "2pm" splits in two,
// anything in parentheses (the zone in an offered slot's label) is dropped.
std::vector<std::string> tokenize(std::string_view text) {
  std::string s;
  int depth = 0;
  for (const char c : text) {
    if (c == '(') ++depth;
    if (depth == 0) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == ')' && depth > 0) --depth;
  }
  replace_all(s, "a.m.", " am ");
  replace_all(s, "p.m.", " pm ");
  replace_all(s, "o'clock", " oclock ");
  replace_all(s,
              "o\xE2\x80\x99"
              "clock",
              " oclock ");

  std::vector<std::string> out;
  const auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  const auto is_alpha = [](char c) { return c >= 'a' && c <= 'z'; };
  for (std::size_t i = 0; i < s.size();) {
    std::size_t j = i;
    if (is_alpha(s[i])) {
      while (j < s.size() && is_alpha(s[j])) ++j;
    } else if (is_digit(s[i])) {
      // Digits, joined by ':', '-', '/' or '.' when a digit follows ("14:30", "2026-12-03",
      // "3/12", "4.12.2026").
      const auto joiner = [](char c) { return c == ':' || c == '-' || c == '/' || c == '.'; };
      while (j < s.size() &&
             (is_digit(s[j]) || (joiner(s[j]) && j + 1 < s.size() && is_digit(s[j + 1])))) {
        ++j;
      }
    } else {
      ++i;
      continue;
    }
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// An hour said without am/pm: 1 to 7 means the afternoon.
minutes business_hour(unsigned hour) {
  return hours{hour >= 1 && hour <= 7 ? hour + 12 : hour};
}

std::optional<minutes> with_meridiem(unsigned hour, unsigned minute, std::string_view meridiem) {
  if (hour > 23 || minute > 59) return std::nullopt;
  if (meridiem == "am" || meridiem == "pm") {
    if (hour == 0 || hour > 12) return std::nullopt;
    const unsigned h = (hour % 12) + (meridiem == "pm" ? 12U : 0U);
    return hours{h} + minutes{minute};
  }
  return hours{hour} + minutes{minute};
}

class reader {
 public:
  reader(std::vector<std::string> tokens, date::local_days today, std::size_t offered,
         date_order order)
      : t_{std::move(tokens)}, today_{today}, offered_{offered}, order_{order} {}

  time_request read() {
    for (i_ = 0; i_ < t_.size(); ++i_) read_word();
    finish();
    return r_;
  }

 private:
  std::string_view at(std::size_t k) const { return k < t_.size() ? t_[k] : std::string_view{}; }
  std::string_view prev() const { return i_ == 0 ? std::string_view{} : at(i_ - 1); }

  void set_date(unsigned year, unsigned month, unsigned day) {
    const date::year_month_day ymd{date::year{static_cast<int>(year)}, date::month{month},
                                   date::day{day}};
    if (!ymd.ok()) {
      r_.bad_date = true;
      return;
    }
    r_.day = date::local_days{ymd};
    r_.days = 1;
  }

  // A day and month without a year: the next such date from today on, except a date of the
  // last few months, which is one that has passed ("4.12." said on 5 December), not one a
  // year ahead.
  void set_day_month(unsigned month, unsigned day) {
    const auto this_year =
        static_cast<unsigned>(static_cast<int>(date::year_month_day{today_}.year()));
    set_date(this_year, month, day);
    if (r_.day && *r_.day < today_ && today_ - *r_.day > date::days{90}) {
      set_date(this_year + 1, month, day);
    }
  }

  // After a day and month: an optional year ("3 Dec 2026", "Dec 3, 2026").
  void maybe_year(unsigned month, unsigned day) {
    if (all_digits(at(i_ + 1)) && at(i_ + 1).size() == 4) {
      ++i_;
      set_date(to_number(t_[i_]), month, day);
    } else {
      set_day_month(month, day);
    }
  }

  // The next date on or after today with this day of the month ("the 4th").
  void set_day_of_month(unsigned day) {
    auto ym = date::year_month_day{today_}.year() / date::year_month_day{today_}.month();
    for (int k = 0; k < 12; ++k, ym += date::months{1}) {
      const auto ymd = ym / date::day{day};
      if (ymd.ok() && date::local_days{ymd} >= today_) {
        r_.day = date::local_days{ymd};
        r_.days = 1;
        return;
      }
    }
    r_.bad_date = true;
  }

  // "mid February": the part's days of the next such month (this month counts until it ends).
  void set_month_part(unsigned month, unsigned first, unsigned last) {
    const auto ymd_today = date::year_month_day{today_};
    auto year = ymd_today.year();
    if (date::month{month} < ymd_today.month()) ++year;
    const auto ym = year / date::month{month};
    const unsigned month_end = static_cast<unsigned>((ym / date::last).day());
    const auto from = date::local_days{ym / date::day{first}};
    const auto to = date::local_days{ym / date::day{std::min(last, month_end)}};
    r_.day = std::max(from, today_);
    r_.days = static_cast<int>((to - *r_.day).count()) + 1;
    if (r_.days < 1) r_.day.reset();
  }

  // "3/12", "12/3/2027", "4.12.", "4.12.2026"; "14.30" is a time.
  bool numeric_date(std::string_view w) {
    const bool dotted = w.find('.') != std::string_view::npos;
    const auto parts = digit_parts(w, dotted ? '.' : '/');
    if (parts.size() < 2 || parts.size() > 3) return false;
    std::optional<unsigned> year;
    if (parts.size() == 3) year = parts[2] < 100 ? 2000 + parts[2] : parts[2];
    unsigned a = parts[0];
    unsigned b = parts[1];
    if (dotted && parts.size() == 2 && b > 12 && a <= 23 && b <= 59) {
      r_.time = hours{a} + minutes{b};  // "14.30"
      return true;
    }
    const auto put = [&](unsigned month, unsigned day) {
      if (year) {
        set_date(*year, month, day);
      } else {
        set_day_month(month, day);
      }
    };
    date_order order = dotted ? date_order::day_first : order_;
    if (a > 12 || a == b) order = date_order::day_first;
    if (b > 12) order = date_order::month_first;
    if (order == date_order::day_first) {
      put(b, a);
    } else if (order == date_order::month_first) {
      put(a, b);
    } else {
      put(b, a);
      const auto day_first = r_.day;
      put(a, b);
      const auto month_first = r_.day;
      r_.day.reset();
      r_.bad_date = false;
      if (day_first && month_first)
        r_.either = {*day_first, *month_first};
      else
        r_.day = day_first ? day_first : month_first;
      if (!r_.day && !r_.either) r_.bad_date = true;
    }
    return true;
  }

  // An hour as a word or digits: "ten", "10".
  std::optional<unsigned> hour_at(std::size_t k) const {
    if (all_digits(at(k)) && at(k).size() <= 2) return to_number(at(k));
    return lookup(hour_words, at(k));
  }

  // "half past ten", "quarter past 2", "quarter to three", "at ten", each with an optional
  // am/pm after it.
  bool clock_words(std::string_view w) {
    std::optional<unsigned> hour;
    int minute = 0;
    std::size_t last = i_;
    if ((w == "half" || w == "quarter") &&
        (at(i_ + 1) == "past" || at(i_ + 1) == "after" || at(i_ + 1) == "to")) {
      hour = hour_at(i_ + 2);
      if (!hour) return false;
      minute = w == "half" ? 30 : 15;
      if (at(i_ + 1) == "to") minute = -15;
      last = i_ + 2;
    } else if (among(time_cues, prev()) && lookup(hour_words, w)) {
      hour = lookup(hour_words, w);
    } else {
      return false;
    }
    std::string_view meridiem;
    if (at(last + 1) == "am" || at(last + 1) == "pm") meridiem = at(++last);
    auto time = meridiem.empty() ? std::optional<minutes>{business_hour(*hour)}
                                 : with_meridiem(*hour, 0, meridiem);
    if (!time) return false;
    r_.time = *time + minutes{minute};
    i_ = last;
    return true;
  }

  // A zone abbreviation right after a time ("10am EST", "14:00 CET").
  bool zone_after_time(std::string_view w) {
    const std::string_view before = prev();
    const bool after_time = before == "am" || before == "pm" || before == "oclock" ||
                            digit_parts(before, ':').size() == 2 || all_digits(before);
    if (!after_time) return false;
    if (auto zone = zone_in(w, zone_abbreviations)) {
      r_.zone = std::move(zone);
      return true;
    }
    // "10:30 Eastern", "2pm Pacific": a region right after a time.
    if (w == "eastern" || w == "pacific" || w == "central" || w == "mountain") {
      r_.zone = zone_in(w, zone_places);
      return true;
    }
    return false;
  }

  // "<place> time": up to three words before "time" naming a region, country or city.
  bool place_time() {
    for (std::size_t n = std::min<std::size_t>(3, i_); n >= 1; --n) {
      std::string words;
      for (std::size_t k = i_ - n; k < i_; ++k) {
        if (!words.empty()) words += ' ';
        words += t_[k];
      }
      if (auto zone = zone_named(words)) {
        r_.zone = std::move(zone);
        return true;
      }
    }
    return false;
  }

  void read_word() {  // the word at i_, and any it takes with it
    const std::string_view w = t_[i_];
    if (const auto ymd = digit_parts(w, '-'); ymd.size() == 3 && w.size() >= 8) {
      set_date(ymd[0], ymd[1], ymd[2]);
    } else if (w.find_first_of("/.") != std::string_view::npos && numeric_date(w)) {
      return;
    } else if (zone_after_time(w)) {
      return;
    } else if (clock_words(w)) {
      return;
    } else if (w == "time" && prev() != "any" && place_time()) {
      return;
    } else if (const auto alone = month_of(w);
               alone && !all_digits(at(i_ + 1)) && month_alone(*alone)) {
      return;
    } else if (const auto clock = digit_parts(w, ':'); clock.size() == 2) {
      std::string_view meridiem;
      if (at(i_ + 1) == "am" || at(i_ + 1) == "pm") meridiem = t_[++i_];
      if (auto time = with_meridiem(clock[0], clock[1], meridiem)) {
        // "3:30" is in the afternoon like "at 3"; "03:30" is written as a 24-hour time.
        const bool afternoon =
            meridiem.empty() && w.front() != '0' && clock[0] >= 1 && clock[0] <= 7;
        r_.time = afternoon ? *time + hours{12} : *time;
      }
    } else if (all_digits(w)) {
      number(to_number(w));
    } else if (const auto month = month_of(w); month && all_digits(at(i_ + 1))) {
      ++i_;
      const unsigned day = to_number(t_[i_]);
      if (at(i_ + 1) == "st" || at(i_ + 1) == "nd" || at(i_ + 1) == "rd" || at(i_ + 1) == "th")
        ++i_;
      maybe_year(*month, day);
    } else if (const auto wd = lookup(weekdays, w)) {
      weekday_ = *wd;
      weekday_includes_today_ = prev() == "this";
    } else if (w == "today" || w == "tonight") {
      r_.day = today_;
      if (w == "tonight") r_.part = day_part::evening;
    } else if (among(tomorrow_words, w)) {
      const bool after = prev() == "after" && i_ >= 2 && at(i_ - 2) == "day";
      r_.day = today_ + date::days{after ? 2 : 1};
    } else if (w == "week" && (prev() == "next" || prev() == "this")) {
      week();
    } else if (w == "morning") {
      r_.part = day_part::morning;
    } else if (w == "afternoon") {
      r_.part = day_part::afternoon;
    } else if (w == "evening") {
      r_.part = day_part::evening;
    } else if (w == "noon" || w == "midday" || w == "lunchtime") {
      r_.time = hours{12};
    } else if (const auto nth = lookup(ordinals, w)) {
      if (at(i_ + 1) == "of") {
        if (const auto m = month_of(at(i_ + 2))) {
          i_ += 2;
          maybe_year(*m, *nth);
          return;
        }
      }
      r_.pick = *nth;
    } else if (w == "last" && at(i_ + 1) != "week") {
      r_.pick_last = true;
    } else if (among(earliest_words, w) || (w == "soon" && prev() == "as") ||
               (w == "available" && prev() == "first") || (w == "time" && prev() == "any")) {
      r_.earliest = true;
      if (w == "available") r_.pick.reset();
    }
  }

  void number(unsigned n) {
    std::size_t next = i_ + 1;
    const bool suffixed =
        at(next) == "st" || at(next) == "nd" || at(next) == "rd" || at(next) == "th";
    if (suffixed) ++next;
    if (at(next) == "of" && month_of(at(next + 1))) ++next;
    if (const auto month = month_of(at(next))) {
      i_ = next;
      maybe_year(*month, n);
    } else if (at(next) == "am" || at(next) == "pm" || at(next) == "oclock") {
      i_ = next;
      if (auto time = with_meridiem(n, 0, t_[next] == "oclock" ? "" : t_[next])) {
        r_.time = t_[next] == "oclock" ? business_hour(n) : *time;
      }
    } else if (prev() == "in" && (at(next) == "day" || at(next) == "days")) {
      i_ = next;
      r_.day = today_ + date::days{n};
    } else if (among(time_cues, prev()) && n <= 23) {
      r_.time = business_hour(n);
    } else if (among(pick_cues, prev())) {
      i_ = next - 1;
      r_.pick = n;
    } else if (suffixed) {
      // "the 2nd one" or "the 4th at 11": settled in finish(), once the rest is read.
      i_ = next - 1;
      nth_ = n;
    } else {
      loose_.push_back(n);
    }
  }

  // "next week", "this week"; "early next week" is Monday to Wednesday, "late" or "end of next
  // week" Thursday to Sunday.
  void week() {
    const auto iso = date::weekday{today_}.iso_encoding();
    const auto monday = today_ - date::days{iso - 1};
    const bool next = prev() == "next";
    const auto first = next ? monday + date::days{7} : monday;
    std::string_view part = i_ >= 2 ? at(i_ - 2) : std::string_view{};
    if (part == "of" && i_ >= 3) part = at(i_ - 3);  // "end of next week"
    auto from = first;
    auto to = first + date::days{7};
    if (part == "early" || part == "beginning" || part == "start") to = first + date::days{3};
    if (part == "late" || part == "later" || part == "end") from = first + date::days{3};
    from = std::max(from, today_);
    r_.day = from;
    r_.days = static_cast<int>((to - from).count());
    if (r_.days < 1) r_.day.reset();
  }

  // A month without a day: "mid February", "early March", "in January", "end of May".
  bool month_alone(unsigned month) {
    std::string_view before = prev();
    if (before == "of" && i_ >= 2) before = at(i_ - 2);  // "end of May"
    for (const auto& part : month_parts) {
      if (part.word == before) {
        set_month_part(month, part.first, part.last);
        return true;
      }
    }
    if (before == "in" && t_[i_].size() > 3) {
      set_month_part(month, 1, 31);
      return true;
    }
    return false;
  }

  // "the 2nd" is a position among offered slots unless a time goes with it or no such slot
  // was offered: then a day of the month ("the 4th at 11").
  void settle_nth() {
    if (!nth_) return;
    const unsigned n = *nth_;
    const bool date_like = r_.time || r_.part || n > offered_;
    if (date_like && !r_.day && n >= 1 && n <= 31) {
      set_day_of_month(n);
    } else if (!date_like) {
      r_.pick = n;
    }
  }

  void finish() {
    settle_nth();
    // "any time after 3pm on Wednesday" names a window, not the earliest slot.
    if (r_.earliest && (r_.day || r_.time || r_.part || weekday_)) r_.earliest = false;
    // "after 3pm": from that time on.
    for (std::size_t k = 0; k + 1 < t_.size() && r_.time; ++k) {
      if ((t_[k] == "after" || t_[k] == "from") && hour_at(k + 1)) {
        r_.after = r_.time;
        r_.time.reset();
      }
    }
    if (weekday_ && !r_.day) {
      const auto iso = date::weekday{today_}.iso_encoding();
      auto ahead = (*weekday_ + 7 - iso) % 7;
      if (ahead == 0 && !weekday_includes_today_) ahead = 7;
      r_.day = today_ + date::days{ahead};
    }
    if (loose_.size() != 1) return;
    const unsigned n = loose_.front();
    // "tomorrow 10", "monday 2": a lone number next to a day is its hour.
    if (r_.day && !r_.time && n <= 23) {
      r_.time = business_hour(n);
      return;
    }
    // A message that is just a number: a position among the offered slots, else an hour.
    const bool only_number = r_.empty() && std::all_of(t_.begin(), t_.end(), [&](const auto& w) {
                               return all_digits(w) || among(filler, w);
                             });
    if (!only_number) return;
    if (n >= 1 && n <= offered_) {
      r_.pick = n;
    } else if (n <= 23) {
      r_.time = business_hour(n);
    }
  }

  std::vector<std::string> t_;
  date::local_days today_;
  std::size_t offered_;
  date_order order_;
  std::optional<unsigned> nth_;
  std::size_t i_ = 0;
  time_request r_;
  std::optional<unsigned> weekday_;
  bool weekday_includes_today_ = false;
  std::vector<unsigned> loose_;
};

}  // namespace

std::pair<minutes, minutes> part_window(day_part part) {
  switch (part) {
    case day_part::morning:
      return {hours{0}, hours{12}};
    case day_part::afternoon:
      return {hours{12}, hours{17}};
    case day_part::evening:
      return {hours{17}, hours{24}};
  }
  return {hours{0}, hours{24}};
}

std::string_view part_name(day_part part) {
  switch (part) {
    case day_part::morning:
      return "morning";
    case day_part::afternoon:
      return "afternoon";
    case day_part::evening:
      return "evening";
  }
  return "day";
}

time_request parse_time_request(std::string_view text, date::local_days today, std::size_t offered,
                                date_order order) {
  return reader{tokenize(text), today, offered, order}.read();
}

date_order date_order_of(std::string_view locale) {
  std::string tag{locale};
  std::transform(tag.begin(), tag.end(), tag.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  if (tag.empty() || tag == "en") return date_order::unknown;
  // Month first: the United States and its territories; east Asia writes year/month/day.
  for (const std::string_view prefix :
       {"en-us", "en-as", "en-gu", "en-um", "en-vi", "en-ph", "es-us", "zh", "ja", "ko"}) {
    if (tag.starts_with(prefix)) return date_order::month_first;
  }
  return date_order::day_first;
}

std::optional<std::string> zone_named(std::string_view words) {
  if (auto zone = zone_in(words, zone_places)) return zone;
  if (auto zone = zone_in(words, zone_abbreviations)) return zone;
  const auto& cities = city_zones();
  if (const auto it = cities.find(std::string{words}); it != cities.end()) return it->second;
  return std::nullopt;
}

}  // namespace advisor::intents
