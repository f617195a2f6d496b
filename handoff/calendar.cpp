#include "handoff/calendar.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <optional>
#include <stdexcept>
#include <vector>

namespace advisor::handoff {
namespace {

std::string utc_stamp(time_point t) {
  return date::format("%Y%m%dT%H%M%SZ", t);
}

// RFC 5545 TEXT: backslash, semicolon, comma and newlines are escaped.
std::string ics_text(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

// "Tue 08 Dec 2026, 10:00 America/New_York (16:00 Europe/Berlin)": the start as the visitor
// saw it and as the consultancy holds it. A zone the tz database lacks is left out.
std::string start_text(const lead& booking) {
  const auto in = [&](const std::string& zone) -> std::optional<date::local_seconds> {
    try {
      return date::locate_zone(zone)->to_local(booking.slot_start);
    } catch (const std::runtime_error&) {
      return std::nullopt;
    }
  };
  const auto ours = in(booking.time_zone);
  if (!ours) return {};
  const auto theirs =
      booking.visitor_time_zone.empty() ? std::nullopt : in(booking.visitor_time_zone);
  if (!theirs || booking.visitor_time_zone == booking.time_zone) {
    return date::format("%a %d %b %Y, %H:%M ", *ours) + booking.time_zone;
  }
  return date::format("%a %d %b %Y, %H:%M ", *theirs) + booking.visitor_time_zone +
         date::format(" (%H:%M ", *ours) + booking.time_zone + ")";
}

// RFC 5545 3.1: a content line longer than 75 octets goes on in lines that start with a
// space; a UTF-8 character is never cut.
std::string folded(const std::string& line) {
  constexpr std::size_t max_octets = 75;
  std::string out;
  std::size_t width = 0;
  for (std::size_t i = 0; i < line.size();) {
    std::size_t length = 1;
    while (i + length < line.size() &&
           (static_cast<unsigned char>(line[i + length]) & 0xC0U) == 0x80U) {
      ++length;
    }
    if (width + length > max_octets) {
      out += "\r\n ";
      width = 1;
    }
    out.append(line, i, length);
    width += length;
    i += length;
  }
  return out + "\r\n";
}

}  // namespace

std::string consultation_ics(const lead& booking, time_point now,
                             const std::string& organizer_name) {
  const std::vector<std::string> lines{
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Advisor//Consultation//EN",
      "CALSCALE:GREGORIAN",
      "METHOD:PUBLISH",
      "BEGIN:VEVENT",
      "UID:" + booking.reference + "@advisor",
      "DTSTAMP:" + utc_stamp(now),
      "DTSTART:" + utc_stamp(booking.slot_start),
      "DTEND:" + utc_stamp(booking.slot_start + booking.slot_length),
      "SUMMARY:" + ics_text("Free consultation with " + organizer_name),
      "DESCRIPTION:" +
          ics_text("Booking reference " + booking.reference + "\n" + start_text(booking)),
      "STATUS:CONFIRMED",
      "END:VEVENT",
      "END:VCALENDAR",
  };
  std::string out;
  for (const auto& line : lines) out += folded(line);
  return out;
}

}  // namespace advisor::handoff
