#pragma once
// How a lead sits in a store's columns: its lists as JSON text, times as integers, the SELECT
// that reads it back; and a new lead from a request. The same for every store implementation.

#include <cstdint>
#include <string>
#include <vector>

#include "handoff/lead_store.hpp"

namespace advisor::handoff {

// Times in integer columns: unix seconds (bookings, conversations), unix milliseconds (outbox).
inline std::int64_t to_unix(time_point t) {
  return t.time_since_epoch().count();
}
inline time_point from_unix(std::int64_t s) {
  return time_point{std::chrono::seconds{s}};
}
inline std::int64_t to_unix_ms(instant t) {
  return t.time_since_epoch().count();
}
inline instant from_unix_ms(std::int64_t ms) {
  return instant{std::chrono::milliseconds{ms}};
}

// The SELECT of a lead's columns in the order both stores read them (lead_from_row): the
// booking, whether it is delivered, its delivery's state for the console. Plain SQL that
// SQLite and PostgreSQL read alike; a WHERE or ORDER BY may follow.
inline constexpr const char* lead_select =
    "SELECT b.reference, b.created_at, b.slot_start, b.slot_minutes, b.time_zone, b.name, "
    "b.email, b.company, b.project, b.recommendation, b.topics, b.transcript, "
    "NOT EXISTS (SELECT 1 FROM outbox o WHERE o.reference = b.reference AND o.delivered_at IS "
    "NULL), b.visitor_time_zone, EXISTS (SELECT 1 FROM outbox o WHERE o.reference = "
    "b.reference AND o.delivered_at IS NULL AND o.dead_at IS NOT NULL)"
    // The delivery's next attempt, attempts and last error, for the console.
    ", (SELECT o.next_attempt_at FROM outbox o WHERE o.reference = b.reference AND "
    "o.delivered_at IS NULL AND o.dead_at IS NULL ORDER BY o.id LIMIT 1), COALESCE((SELECT "
    "o.attempts FROM outbox o WHERE o.reference = b.reference ORDER BY o.id DESC LIMIT 1), 0), "
    "COALESCE((SELECT o.last_error FROM outbox o WHERE o.reference = b.reference ORDER BY o.id "
    "DESC LIMIT 1), '') FROM bookings b";

std::vector<dialogue::transcript_line> transcript_from(const std::string& text);
std::vector<std::string> strings_from(const std::string& text);
std::string strings_json(const std::vector<std::string>& items);

// The lead a booking request becomes, with a new reference.
lead new_lead(const dialogue::booking_request& request, time_point now);

}  // namespace advisor::handoff
