// save_conversation / restore_conversation: the conversation as JSON for the session store.
// Restore reads untrusted bytes (a file that may be old, truncated or edited): every field is
// type-checked and a missing one takes its default, so a newer field never breaks an old save.

#include <cstdint>

#include <nlohmann/json.hpp>

#include "dialogue/engine.hpp"

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

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF.
bool valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned c = *p;
    if (c < 0x80U) {
      ++p;
      continue;
    }
    std::size_t n = 0;
    unsigned lo = 0x80U;
    unsigned hi = 0xBFU;  // range of the second byte
    if (c >= 0xC2U && c <= 0xDFU) {
      n = 1;
    } else if (c >= 0xE0U && c <= 0xEFU) {
      n = 2;
      if (c == 0xE0U) lo = 0xA0U;
      if (c == 0xEDU) hi = 0x9FU;
    } else if (c >= 0xF0U && c <= 0xF4U) {
      n = 3;
      if (c == 0xF0U) lo = 0x90U;
      if (c == 0xF4U) hi = 0x8FU;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t k = 2; k <= n; ++k) {
      if ((p[k] & 0xC0U) != 0x80U) return false;
    }
    p += n + 1;
  }
  return true;
}

// A JSON string as nlohmann's dump writes it (ensure_ascii off); text that is not UTF-8 goes
// through nlohmann itself, for its replacement characters.
void put_string(std::string& out, std::string_view text) {
  if (!valid_utf8(text)) {
    out += dumped(json(std::string{text}));
    return;
  }
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u >= 0x20U && u != '"' && u != '\\') continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (u) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(hex[u >> 4U]);
        out.push_back(hex[u & 0x0FU]);
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out.push_back('"');
}

void put_strings(std::string& out, const std::vector<std::string>& items) {
  out.push_back('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out.push_back(',');
    put_string(out, items[i]);
  }
  out.push_back(']');
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
  for (const auto& line : state.transcript) size += line.speaker.size() + line.text.size() + 32;
  out.reserve(size);
  out += "{\"booked\":";
  put_bool(out, state.booked);
  out += ",\"booking_offered\":";
  put_bool(out, state.booking_offered);
  out += ",\"clarifying\":";
  if (state.clarifying) {
    out += "{\"readings\":";
    put_strings(out, state.clarifying->readings);
    out += ",\"text\":";
    put_string(out, state.clarifying->text);
    out += '}';
  } else {
    out += "null";
  }
  out += ",\"confirmed\":";
  if (state.confirmed) {
    out += "{\"reference\":";
    put_string(out, state.confirmed->reference);
    out += ",\"slot\":" + std::to_string(state.confirmed->slot.time_since_epoch().count()) + '}';
  } else {
    out += "null";
  }
  out += ",\"form\":";
  out += state.form ? dumped(save_form(*state.form)) : std::string{"null"};
  out += ",\"last_intent\":";
  put_string(out, state.last_intent);
  out += ",\"last_recommendation\":";
  if (state.last_recommendation) {
    put_string(out, *state.last_recommendation);
  } else {
    out += "null";
  }
  out += ",\"last_technologies\":";
  put_strings(out, state.last_technologies);
  out += ",\"last_topics\":";
  put_strings(out, state.last_topics);
  out += ",\"needs\":";
  put_strings(out, state.needs);
  out += ",\"transcript\":[";
  for (std::size_t i = 0; i < state.transcript.size(); ++i) {
    out += i == 0 ? "{\"speaker\":" : ",{\"speaker\":";
    put_string(out, state.transcript[i].speaker);
    out += ",\"text\":";
    put_string(out, state.transcript[i].text);
    out += '}';
  }
  out += "],\"turns\":" + std::to_string(state.turns);
  out += ",\"version\":" + std::to_string(format_version);
  out += ",\"visitor\":{\"locale\":";
  put_string(out, state.visitor.locale);
  out += ",\"time_zone\":";
  put_string(out, state.visitor.time_zone);
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
    state.form = restore_form(in.at("form"));
    if (!state.form) return std::nullopt;
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
    if (!lines.is_array()) return std::nullopt;
    for (const json& line : lines) {
      if (!line.is_object()) return std::nullopt;
      transcript_line entry;
      if (!read(line, "speaker", entry.speaker) || !read(line, "text", entry.text)) {
        return std::nullopt;
      }
      if (entry.speaker != "visitor" && entry.speaker != "bot") return std::nullopt;
      state.transcript.push_back(std::move(entry));
    }
    if (state.transcript.size() > conversation::transcript_lines) return std::nullopt;
  }
  return state;
}

}  // namespace advisor::dialogue
