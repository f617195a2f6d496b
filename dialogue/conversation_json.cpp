// save_conversation / restore_conversation: the conversation as JSON for the session store.
// Restore reads untrusted bytes (a file that may be old, truncated or edited): every field is
// type-checked and a missing one takes its default, so a newer field never breaks an old save.

#include <cstdint>

#include <nlohmann/json.hpp>

#include "dialogue/engine.hpp"
#include "dialogue/json_writer.hpp"

namespace advisor::dialogue {
namespace {

using json = nlohmann::json;

constexpr int format_version = 1;

json optional_string(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

json instant(time_point t) {
  return t.time_since_epoch().count();
}

json save_form(const booking_form& form) {
  json offered = json::array();
  for (const time_point t : form.offered) offered.push_back(instant(t));
  return {
      {"asking", std::string{field_name(form.asking)}},
      {"name", optional_string(form.name)},
      {"email", optional_string(form.email)},
      {"company", optional_string(form.company)},
      {"project", optional_string(form.project)},
      {"project_proposal", optional_string(form.project_proposal)},
      {"slot", form.slot ? instant(*form.slot) : json(nullptr)},
      {"consent", form.consent},
      {"offered", offered},
      {"slot_zone", form.slot_zone},
      {"email_typed", optional_string(form.email_typed)},
      {"email_suggested", optional_string(form.email_suggested)},
  };
}

// Readers: false when the key is present with the wrong type; the target keeps its default
// when the key is absent.
bool read(const json& obj, const char* key, std::string& out) {
  if (!obj.contains(key)) return true;
  if (!obj.at(key).is_string()) return false;
  out = obj.at(key).get<std::string>();
  return true;
}

bool read(const json& obj, const char* key, std::optional<std::string>& out) {
  if (!obj.contains(key) || obj.at(key).is_null()) return true;
  if (!obj.at(key).is_string()) return false;
  out = obj.at(key).get<std::string>();
  return true;
}

bool read(const json& obj, const char* key, bool& out) {
  if (!obj.contains(key)) return true;
  if (!obj.at(key).is_boolean()) return false;
  out = obj.at(key).get<bool>();
  return true;
}

bool read(const json& obj, const char* key, int& out) {
  if (!obj.contains(key)) return true;
  const json& v = obj.at(key);
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > INT32_MAX) {
    return false;
  }
  out = static_cast<int>(v.get<std::int64_t>());
  return true;
}

bool read(const json& obj, const char* key, std::vector<std::string>& out) {
  if (!obj.contains(key)) return true;
  const json& v = obj.at(key);
  if (!v.is_array()) return false;
  for (const json& item : v) {
    if (!item.is_string()) return false;
    out.push_back(item.get<std::string>());
  }
  return true;
}

// Intents by name: a name that is no intent is a wrong value.
bool read(const json& obj, const char* key, std::vector<intents::intent>& out) {
  std::vector<std::string> names;
  if (!read(obj, key, names)) return false;
  for (const auto& name : names) {
    const auto known = intents::parse_intent(name);
    if (!known) return false;
    out.push_back(*known);
  }
  return true;
}

// Instants from 1970 to the end of 9999: a slot or an offer far outside that is no time the
// form could have saved, and zone arithmetic near the ends of int64 seconds would overflow.
constexpr std::int64_t last_instant = 253402300799;  // 9999-12-31T23:59:59Z

std::optional<time_point> read_instant(const json& v) {
  if (!v.is_number_integer()) return std::nullopt;
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t{last_instant}) {
    return std::nullopt;
  }
  const auto seconds = v.get<std::int64_t>();
  if (seconds < 0 || seconds > last_instant) return std::nullopt;
  return time_point{std::chrono::seconds{seconds}};
}

bool read(const json& obj, const char* key, std::optional<time_point>& out) {
  if (!obj.contains(key) || obj.at(key).is_null()) return true;
  out = read_instant(obj.at(key));
  return out.has_value();
}

bool read(const json& obj, const char* key, std::vector<time_point>& out) {
  if (!obj.contains(key)) return true;
  const json& v = obj.at(key);
  if (!v.is_array()) return false;
  for (const json& item : v) {
    const auto t = read_instant(item);
    if (!t) return false;
    out.push_back(*t);
  }
  return true;
}

std::optional<booking_form> restore_form(const json& obj) {
  if (!obj.is_object() || !obj.contains("asking") || !obj.at("asking").is_string()) {
    return std::nullopt;
  }
  const auto asking = field_from_name(obj.at("asking").get<std::string>());
  if (!asking) return std::nullopt;
  booking_form form;
  form.asking = *asking;
  const bool ok = read(obj, "name", form.name) && read(obj, "email", form.email) &&
                  read(obj, "company", form.company) && read(obj, "project", form.project) &&
                  read(obj, "project_proposal", form.project_proposal) &&
                  read(obj, "slot", form.slot) && read(obj, "consent", form.consent) &&
                  read(obj, "offered", form.offered) && read(obj, "slot_zone", form.slot_zone) &&
                  read(obj, "email_typed", form.email_typed) &&
                  read(obj, "email_suggested", form.email_suggested);
  if (!ok) return std::nullopt;
  return form;
}

// Replace rather than throw on bytes that are not UTF-8: a save must not fail a turn.
std::string dumped(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void put_bool(std::string& out, bool value) {
  out += value ? "true" : "false";
}

}  // namespace

// What nlohmann writes for this state (objects' keys sorted, the same escapes), written
// directly: every changed conversation is saved once a second, and a tree per save cost more
// than the turn itself. The rare booking form still goes through nlohmann.
std::string save_conversation(const conversation& state) {
  std::string out;
  std::size_t size = 256;
  for (std::size_t i = 0; i < state.transcript.size(); ++i) {
    size += state.transcript[i].speaker.size() + state.transcript[i].text.size() + 32;
  }
  out.reserve(size);
  out += "{\"booked\":";
  put_bool(out, state.booked);
  out += ",\"booking_offered\":";
  put_bool(out, state.booking_offered);
  out += ",\"clarifying\":";
  if (state.clarifying) {
    out += "{\"readings\":[";
    const auto& readings = state.clarifying->readings;
    for (std::size_t i = 0; i < readings.size(); ++i) {
      if (i != 0) out.push_back(',');
      json_out::string(out, intents::to_string(readings[i]));
    }
    out += ']';
    out += ",\"text\":";
    json_out::string(out, state.clarifying->text);
    out += '}';
  } else {
    out += "null";
  }
  out += ",\"confirmed\":";
  if (state.confirmed) {
    out += "{\"reference\":";
    json_out::string(out, state.confirmed->reference);
    out += ",\"slot\":" + std::to_string(state.confirmed->slot.time_since_epoch().count()) + '}';
  } else {
    out += "null";
  }
  out += ",\"form\":";
  out += state.form ? dumped(save_form(*state.form)) : std::string{"null"};
  out += ",\"last_intent\":";
  json_out::string(out, state.last_intent);
  out += ",\"last_recommendation\":";
  if (state.last_recommendation) {
    json_out::string(out, *state.last_recommendation);
  } else {
    out += "null";
  }
  out += ",\"last_technologies\":";
  json_out::string_array(out, state.last_technologies);
  out += ",\"last_topics\":";
  json_out::string_array(out, state.last_topics);
  out += ",\"needs\":";
  json_out::string_array(out, state.needs);
  out += ",\"transcript\":[";
  for (std::size_t i = 0; i < state.transcript.size(); ++i) {
    out += i == 0 ? "{\"speaker\":" : ",{\"speaker\":";
    json_out::string(out, state.transcript[i].speaker);
    out += ",\"text\":";
    json_out::string(out, state.transcript[i].text);
    out += '}';
  }
  out += "],\"turns\":" + std::to_string(state.turns);
  out += ",\"version\":" + std::to_string(format_version);
  out += ",\"visitor\":{\"locale\":";
  json_out::string(out, state.visitor.locale);
  out += ",\"time_zone\":";
  json_out::string(out, state.visitor.time_zone);
  out += "}}";
  return out;
}

std::optional<conversation> restore_conversation(std::string_view text) {
  const json in = json::parse(text.begin(), text.end(), nullptr, false);
  if (in.is_discarded() || !in.is_object()) return std::nullopt;
  if (!in.contains("version") || !in.at("version").is_number_integer() ||
      in.at("version").get<std::int64_t>() != format_version) {
    return std::nullopt;
  }
  conversation state;
  const bool ok = read(in, "last_topics", state.last_topics) &&
                  read(in, "last_technologies", state.last_technologies) &&
                  read(in, "last_recommendation", state.last_recommendation) &&
                  read(in, "last_intent", state.last_intent) && read(in, "turns", state.turns) &&
                  read(in, "needs", state.needs) &&
                  read(in, "booking_offered", state.booking_offered) &&
                  read(in, "booked", state.booked);
  if (!ok) return std::nullopt;

  if (in.contains("form") && !in.at("form").is_null()) {
    auto form = restore_form(in.at("form"));
    if (!form) return std::nullopt;
    state.form = std::move(*form);
  }
  if (in.contains("confirmed") && !in.at("confirmed").is_null()) {
    const json& confirmed = in.at("confirmed");
    confirmed_booking booked;
    std::optional<time_point> slot;
    if (!confirmed.is_object() || !read(confirmed, "reference", booked.reference) ||
        booked.reference.empty() || !read(confirmed, "slot", slot) || !slot) {
      return std::nullopt;
    }
    booked.slot = *slot;
    state.confirmed = std::move(booked);
  }
  if (in.contains("clarifying") && !in.at("clarifying").is_null()) {
    const json& asked = in.at("clarifying");
    clarification pending;
    if (!asked.is_object() || !read(asked, "text", pending.text) ||
        !read(asked, "readings", pending.readings) || pending.readings.size() != 2 ||
        pending.text.size() > clarification::max_text_bytes) {
      return std::nullopt;
    }
    state.clarifying = std::move(pending);
  }
  if (in.contains("visitor")) {
    const json& visitor = in.at("visitor");
    if (!visitor.is_object() || !read(visitor, "time_zone", state.visitor.time_zone) ||
        !read(visitor, "locale", state.visitor.locale)) {
      return std::nullopt;
    }
  }
  if (in.contains("transcript")) {
    const json& lines = in.at("transcript");
    if (!lines.is_array() || lines.size() > conversation::transcript_lines) return std::nullopt;
    for (const json& line : lines) {
      if (!line.is_object()) return std::nullopt;
      transcript_line entry;
      if (!read(line, "speaker", entry.speaker) || !read(line, "text", entry.text)) {
        return std::nullopt;
      }
      if (entry.speaker != "visitor" && entry.speaker != "bot") return std::nullopt;
      state.transcript.push_back(std::move(entry));
    }
  }
  return state;
}

}  // namespace advisor::dialogue
