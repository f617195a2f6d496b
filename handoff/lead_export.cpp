#include "handoff/lead_export.hpp"

#include <date/date.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace advisor::handoff {
using json = nlohmann::ordered_json;

json transcript_array(const std::vector<dialogue::transcript_line>& lines) {
  auto out = json::array();
  for (const auto& l : lines) out.push_back({{"speaker", l.speaker}, {"text", l.text}});
  return out;
}

std::string iso8601(instant t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(t));
}

std::string transcript_json(const std::vector<dialogue::transcript_line>& lines) {
  return transcript_array(lines).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string lead_json(const lead& l) {
  json out{{"reference", l.reference},
           {"status", "confirmed"},
           {"created_at", iso8601(l.created_at)},
           {"slot",
            {{"start", iso8601(l.slot_start)},
             {"end", iso8601(l.slot_start + l.slot_length)},
             {"time_zone", l.time_zone},
             {"visitor_time_zone",
              l.visitor_time_zone.empty() ? json(nullptr) : json(l.visitor_time_zone)}}},
           {"name", l.name},
           {"email", l.email},
           {"company", l.company},
           {"project", l.project},
           {"recommendation", l.recommendation ? json(*l.recommendation) : json(nullptr)},
           {"topics", l.topics},
           {"transcript", transcript_array(l.transcript)}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string leads_json(const std::vector<lead>& leads) {
  auto array = json::array();
  for (const auto& l : leads) {
    auto item = json::parse(lead_json(l));
    item["delivered"] = l.delivered;
    item["dead_letter"] = l.dead_letter;
    array.push_back(std::move(item));
  }
  return json{{"leads", std::move(array)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string printable(std::string_view text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0U;
    const auto after = i + 2 < text.size() ? static_cast<unsigned char>(text[i + 2]) : 0U;
    if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      out += {'\\', 'x', digits[c >> 4U], digits[c & 0x0FU]};
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {  // C1 controls, U+0080..U+009F
      out += {'\\', 'u', '0', '0', digits[next >> 4U], digits[next & 0x0FU]};
      ++i;
    } else if (c == 0xE2 && next == 0x80 && (after == 0xA8 || after == 0xA9)) {  // U+2028/9
      out += after == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string leads_table(const std::vector<lead>& leads, const std::vector<gone_endpoint>& gone) {
  std::ostringstream out;
  for (const auto& g : gone) {
    out << "webhook " << printable(g.url) << " answered " << g.status << " at "
        << date::format("%F %H:%M UTC", date::floor<std::chrono::minutes>(g.at))
        << ": deliveries stopped until `advisor leads retry`\n";
  }
  out << leads.size() << (leads.size() == 1 ? " booking\n" : " bookings\n");
  for (const auto& l : leads) {
    out << l.reference << "  " << date::format("%F %H:%M UTC", l.slot_start) << "  "
        << printable(l.name) << " <" << printable(l.email) << ">"
        << (l.company.empty() ? "" : "  " + printable(l.company))
        << (l.delivered     ? "  delivered"
            : l.dead_letter ? "  dead letter (advisor leads retry " + l.reference + ")"
                            : "  pending delivery")
        << '\n';
  }
  return out.str();
}

namespace {
// RFC 4180 quoting of printable() text; a leading = + - @ is prefixed with ' so spreadsheets
// do not run it.
std::string csv_field(std::string_view raw) {
  std::string value = printable(raw);
  if (!value.empty() && std::string_view{"=+-@"}.find(value.front()) != std::string_view::npos) {
    value.insert(value.begin(), '\'');
  }
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string leads_csv(const std::vector<lead>& leads) {
  std::ostringstream out;
  out << "reference,created_at,slot_start,slot_end,time_zone,name,email,company,project,"
         "recommendation,topics,delivered,visitor_time_zone\r\n";
  for (const auto& l : leads) {
    std::string topics;
    for (const auto& t : l.topics) topics += (topics.empty() ? "" : " ") + t;
    out << csv_field(l.reference) << ',' << csv_field(iso8601(l.created_at)) << ','
        << csv_field(iso8601(l.slot_start)) << ','
        << csv_field(iso8601(l.slot_start + l.slot_length)) << ',' << csv_field(l.time_zone) << ','
        << csv_field(l.name) << ',' << csv_field(l.email) << ',' << csv_field(l.company) << ','
        << csv_field(l.project) << ',' << csv_field(l.recommendation.value_or("")) << ','
        << csv_field(topics) << ',' << (l.delivered ? "true" : "false") << ','
        << csv_field(l.visitor_time_zone) << "\r\n";
  }
  return out.str();
}

}  // namespace advisor::handoff
