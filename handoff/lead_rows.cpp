#include "handoff/lead_rows.hpp"

#include <nlohmann/json.hpp>

namespace advisor::handoff {

std::vector<dialogue::transcript_line> transcript_from(const std::string& text) {
  std::vector<dialogue::transcript_line> out;
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return out;
  for (const auto& item : parsed) {
    if (item.is_object() && item.contains("speaker") && item.contains("text") &&
        item.at("speaker").is_string() && item.at("text").is_string()) {
      out.push_back({item.at("speaker").get<std::string>(), item.at("text").get<std::string>()});
    }
  }
  return out;
}

std::vector<std::string> strings_from(const std::string& text) {
  std::vector<std::string> out;
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return out;
  for (const auto& item : parsed) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::string strings_json(const std::vector<std::string>& items) {
  return nlohmann::ordered_json(items).dump();
}

lead new_lead(const dialogue::booking_request& request, time_point now) {
  lead l;
  l.reference = new_reference();
  l.created_at = now;
  l.slot_start = request.slot_start;
  l.slot_length = request.slot_length;
  l.time_zone = request.time_zone;
  l.name = request.name;
  l.email = request.email;
  l.company = request.company;
  l.project = request.project;
  l.recommendation = request.recommendation;
  l.topics = request.topics;
  l.transcript = request.transcript;
  l.visitor_time_zone = request.visitor_time_zone;
  return l;
}

}  // namespace advisor::handoff
