#pragma once
// Bookings as others read them: the webhook's JSON body, GET /api/leads (JSON and CSV) and
// `advisor leads`. The stored transcript uses the same JSON form.

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "handoff/lead_store.hpp"

namespace advisor::handoff {

// The webhook body for a booking: everything the consultancy needs to follow up.
std::string lead_json(const lead& l);
std::string leads_json(const std::vector<lead>& leads);
// RFC 4180, with formula-looking fields defused for spreadsheets and control characters
// escaped as in printable().
std::string leads_csv(const std::vector<lead>& leads);
// `advisor leads`: webhook endpoints that answered 410 Gone, a count, then one line per
// booking (delivered, pending delivery or dead letter), every visitor field printable().
std::string leads_table(const std::vector<lead>& leads,
                        const std::vector<gone_endpoint>& gone = {});

// `text` safe for a terminal and a line-based file: tab, LF and CR become \t, \n and \r, other
// C0 controls and DEL \xHH, C1 controls and U+2028/U+2029 \uHHHH; everything else is kept.
std::string printable(std::string_view text);
// [{"speaker": ..., "text": ...}, ...]
std::string transcript_json(const std::vector<dialogue::transcript_line>& lines);
// The same, as a value to put in a larger reply (the webhook body, the console's leads).
nlohmann::ordered_json transcript_array(const std::vector<dialogue::transcript_line>& lines);

// A time in UTC to the second, as every export writes it: "2026-12-03T13:00:00Z".
std::string iso8601(instant t);

}  // namespace advisor::handoff
