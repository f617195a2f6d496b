#include "handoff/calendar.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <optional>
#include <stdexcept>

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

}  // namespace

std::string consultation_ics(const lead& booking, time_point now,
                             const std::string& organizer_name) {
  const std::string crlf = "\r\n";
  return "BEGIN:VCALENDAR" + crlf + "VERSION:2.0" + crlf + "PRODID:-//Advisor//Consultation//EN" +
         crlf + "CALSCALE:GREGORIAN" + crlf + "METHOD:PUBLISH" + crlf + "BEGIN:VEVENT" + crlf +
         "UID:" + booking.reference + "@advisor" + crlf + "DTSTAMP:" + utc_stamp(now) + crlf +
         "DTSTART:" + utc_stamp(booking.slot_start) + crlf +
         "DTEND:" + utc_stamp(booking.slot_start + booking.slot_length) + crlf +
         "SUMMARY:" + ics_text("Free consultation with " + organizer_name) + crlf + "DESCRIPTION:" +
         ics_text("Booking reference " + booking.reference + "\n" + start_text(booking)) + crlf +
         "STATUS:CONFIRMED" + crlf + "END:VEVENT" + crlf + "END:VCALENDAR" + crlf;
}

}  // namespace advisor::handoff
