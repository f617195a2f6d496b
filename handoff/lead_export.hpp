#pragma once
// Bookings as others read them: the webhook's JSON body, GET /api/leads (JSON and CSV) and
// `advisor leads`. The stored transcript uses the same JSON form.

#include <string>
#include <vector>

#include "handoff/lead_store.hpp"

namespace advisor::handoff {

// The webhook body for a booking: everything the consultancy needs to follow up.
std::string lead_json(const lead& l);
std::string leads_json(const std::vector<lead>& leads);
// RFC 4180, with formula-looking fields defused for spreadsheets.
std::string leads_csv(const std::vector<lead>& leads);
// [{"speaker": ..., "text": ...}, ...]
std::string transcript_json(const std::vector<dialogue::transcript_line>& lines);

}  // namespace advisor::handoff
