#pragma once
// How a booking's lists are kept in a text column (JSON), and a new lead from a request:
// the same for every store implementation.

#include <string>
#include <vector>

#include "handoff/lead_store.hpp"

namespace advisor::handoff {

std::vector<dialogue::transcript_line> transcript_from(const std::string& text);
std::vector<std::string> strings_from(const std::string& text);
std::string strings_json(const std::vector<std::string>& items);

// The lead a booking request becomes, with a new reference.
lead new_lead(const dialogue::booking_request& request, time_point now);

}  // namespace advisor::handoff
