#include "handoff/calendar.hpp"

#include <date/date.h>

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

}  // namespace

std::string consultation_ics(const lead& booking, time_point now,
                             const std::string& organizer_name) {
  const std::string crlf = "\r\n";
  return "BEGIN:VCALENDAR" + crlf + "VERSION:2.0" + crlf + "PRODID:-//Advisor//Consultation//EN" +
         crlf + "CALSCALE:GREGORIAN" + crlf + "METHOD:PUBLISH" + crlf + "BEGIN:VEVENT" + crlf +
         "UID:" + booking.reference + "@advisor" + crlf + "DTSTAMP:" + utc_stamp(now) + crlf +
         "DTSTART:" + utc_stamp(booking.slot_start) + crlf +
         "DTEND:" + utc_stamp(booking.slot_start + booking.slot_length) + crlf +
         "SUMMARY:" + ics_text("Free consultation with " + organizer_name) + crlf +
         "DESCRIPTION:" + ics_text("Booking reference " + booking.reference) + crlf +
         "STATUS:CONFIRMED" + crlf + "END:VEVENT" + crlf + "END:VCALENDAR" + crlf;
}

}  // namespace advisor::handoff
