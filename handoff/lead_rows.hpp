#pragma once
// How a booking's lists are kept in a text column (JSON), times in integer columns, and a
// new lead from a request: the same for every store implementation.

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

std::vector<dialogue::transcript_line> transcript_from(const std::string& text);
std::vector<std::string> strings_from(const std::string& text);
std::string strings_json(const std::vector<std::string>& items);

// The lead a booking request becomes, with a new reference.
lead new_lead(const dialogue::booking_request& request, time_point now);

}  // namespace advisor::handoff
