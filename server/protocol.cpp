#include "server/protocol.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "dialogue/json_writer.hpp"
#include "intents/text.hpp"
#include "intents/visible_text.hpp"
#include "server/strict_json.hpp"

namespace advisor::server::protocol {
namespace {

namespace json_out = dialogue::json_out;
// Output keeps the field order of docs/protocol.md ("type" first): easier to read in a log.
using ordered = nlohmann::ordered_json;

frame_error make_error(error_code code, std::string message,
                       std::optional<std::string> reply_to = std::nullopt) {
  return frame_error{code, std::move(message), std::move(reply_to)};
}

bool absent(const json_member* member) {
  return member == nullptr || member->what == json_member::type::null;
}

// Reads the optional id first so that every later error can point back at the frame.
std::variant<std::optional<std::string>, frame_error> read_id(const json_document& object,
                                                              const frame_rules& rules) {
  const auto* id = object.find("id");
  if (absent(id)) return std::optional<std::string>{};
  if (id->what != json_member::type::string) {
    return make_error(error_code::bad_message, "\"id\" must be a string");
  }
  const auto& value = id->text;
  if (intents::text::count_characters(value) > rules.max_id_chars) {
    return make_error(
        error_code::bad_message,
        "\"id\" is longer than " + std::to_string(rules.max_id_chars) + " characters");
  }
  return std::optional<std::string>{value};
}

std::variant<message_frame, frame_error> read_message(const json_document& object,
                                                      const frame_rules& rules) {
  auto id = read_id(object, rules);
  if (auto* error = std::get_if<frame_error>(&id)) return std::move(*error);
  auto reply_to = std::get<std::optional<std::string>>(std::move(id));

  const auto* text_value = object.find("text");
  if (text_value == nullptr) {
    return make_error(error_code::bad_message, "a message needs a \"text\" string", reply_to);
  }
  if (text_value->what != json_member::type::string) {
    return make_error(error_code::bad_message, "\"text\" must be a string", reply_to);
  }
  // Empty is judged by what a reader sees: zero-width and no-break spaces count as nothing.
  const auto text = intents::trim_invisible(text_value->text);
  if (text.empty()) return make_error(error_code::bad_message, "\"text\" is empty", reply_to);
  if (intents::text::count_characters(text) > rules.max_text_chars) {
    return make_error(
        error_code::too_long,
        "\"text\" is longer than " + std::to_string(rules.max_text_chars) + " characters",
        reply_to);
  }
  return message_frame{std::string{text}, std::move(reply_to)};
}

constexpr std::size_t max_zone_chars = 64;    // the longest IANA name is about 32
constexpr std::size_t max_locale_chars = 35;  // BCP 47's recommended buffer size

bool zone_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
         c == '_' || c == '-' || c == '+';
}

bool locale_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// An optional string field of `object` made of `allowed` characters, at most `max` long.
std::variant<std::optional<std::string>, frame_error> read_token(const json_document& object,
                                                                 const char* key, std::size_t max,
                                                                 bool (*allowed)(char)) {
  const auto* value = object.find(key);
  if (absent(value)) return std::optional<std::string>{};
  const std::string name = std::string{"\""} + key + "\"";
  if (value->what != json_member::type::string) {
    return make_error(error_code::bad_message, name + " must be a string");
  }
  const auto& text = value->text;
  if (text.empty() || text.size() > max || !std::all_of(text.begin(), text.end(), allowed)) {
    return make_error(error_code::bad_message, name + " is not a valid name");
  }
  return std::optional<std::string>{text};
}

std::variant<place, frame_error> read_place(const json_document& object) {
  auto zone = read_token(object, "time_zone", max_zone_chars, zone_char);
  if (auto* error = std::get_if<frame_error>(&zone)) return std::move(*error);
  auto locale = read_token(object, "locale", max_locale_chars, locale_char);
  if (auto* error = std::get_if<frame_error>(&locale)) return std::move(*error);
  return place{std::get<std::optional<std::string>>(std::move(zone)),
               std::get<std::optional<std::string>>(std::move(locale))};
}

// A repeated name earns bad_message; it still points back at the frame when the id was given
// once and is valid.
frame_error duplicate_error(const json_document& document, const frame_rules& rules) {
  auto error = make_error(error_code::bad_message,
                          "\"" + document.repeated->name + "\" appears twice in one object");
  if (document.count("id") != 1) return error;
  if (auto id = read_id(document, rules); auto* valid = std::get_if<0>(&id)) {
    error.reply_to = std::move(*valid);
  }
  return error;
}

// Exactly one JSON object, read strictly (server/strict_json.hpp).
std::variant<json_document, frame_error> parse_object(std::string_view text,
                                                      const frame_rules& rules) {
  auto parsed = parse_strict_json(text, rules.max_depth);
  if (auto* problem = std::get_if<json_problem>(&parsed)) {
    switch (problem->what) {
      case json_problem::kind::not_json:
        return make_error(error_code::bad_json, "the frame is not valid JSON");
      case json_problem::kind::too_deep:
        return make_error(error_code::bad_message, "the frame nests deeper than " +
                                                       std::to_string(rules.max_depth) + " levels");
    }
  }
  auto& value = std::get<json_document>(parsed);
  if (value.repeated) return duplicate_error(value, rules);
  if (!value.is_object) {
    return make_error(error_code::bad_message, "the frame must be a JSON object");
  }
  return std::move(value);
}

ordered optional_string(const std::optional<std::string>& value) {
  return value ? ordered(*value) : ordered(nullptr);
}

void write_form(std::string& out, const std::optional<dialogue::form_status>& form) {
  if (!form) {
    out += "null";
    return;
  }
  out += R"({"name":)";
  json_out::string(out, form->name);
  out += R"(,"field":)";
  json_out::string(out, form->field);
  out += R"(,"filled":)";
  json_out::string_map(out, form->filled);
  out.push_back('}');
}

void write_booking(std::string& out, const std::optional<dialogue::booking_status>& booking) {
  if (!booking) {
    out += "null";
    return;
  }
  out += R"({"reference":)";
  json_out::string(out, booking->reference);
  out += R"(,"status":)";
  json_out::string(out, booking->status);
  // Same-origin link to the slot's calendar file (server/http_handler.cpp).
  out += R"(,"ics_url":)";
  json_out::string(out, "/api/bookings/" + booking->reference + ".ics");
  out.push_back('}');
}

// Enough for the whole reply in one allocation unless much of it needs escaping.
std::size_t reply_size_hint(const dialogue::reply& reply) {
  std::size_t size = 256 + reply.text.size() + to_string(reply.intent).size();
  for (const auto& s : reply.sources) size += 24 + s.section.size() + s.text.size();
  for (const auto& s : reply.suggestions) size += 3 + s.size();
  return size;
}

}  // namespace

std::string_view to_string(error_code code) {
  switch (code) {
    case error_code::bad_json:
      return "bad_json";
    case error_code::bad_message:
      return "bad_message";
    case error_code::too_long:
      return "too_long";
    case error_code::rate_limited:
      return "rate_limited";
    case error_code::internal:
      return "internal";
  }
  return "internal";
}

std::variant<client_frame, frame_error> parse_client_frame(std::string_view frame,
                                                           const frame_rules& rules) {
  auto parsed = parse_object(frame, rules);
  if (auto* error = std::get_if<frame_error>(&parsed)) return std::move(*error);
  const auto& object = std::get<json_document>(parsed);
  // The id first: every later error can then point back at the frame.
  auto id = read_id(object, rules);
  if (auto* error = std::get_if<frame_error>(&id)) return std::move(*error);
  const auto& reply_to = std::get<std::optional<std::string>>(id);

  const auto* type_value = object.find("type");
  if (type_value == nullptr) {
    return make_error(error_code::bad_message, "the frame needs a \"type\" string", reply_to);
  }
  if (type_value->what != json_member::type::string) {
    return make_error(error_code::bad_message, "\"type\" must be a string", reply_to);
  }
  const auto& type = type_value->text;
  if (type == "message") {
    auto message = read_message(object, rules);
    if (auto* error = std::get_if<frame_error>(&message)) return std::move(*error);
    return client_frame{std::get<message_frame>(std::move(message))};
  }
  if (type == "reset") return client_frame{reset_frame{}};
  if (type == "ping") return client_frame{ping_frame{}};
  if (type == "hello") {
    auto where = read_place(object);
    if (auto* error = std::get_if<frame_error>(&where)) return std::move(*error);
    return client_frame{hello_frame{std::get<place>(std::move(where))}};
  }
  return make_error(error_code::bad_message,
                    "unknown \"type\"; expected message, hello, reset or ping", reply_to);
}

std::variant<chat_request, frame_error> parse_chat_request(std::string_view body,
                                                           const frame_rules& rules) {
  auto parsed = parse_object(body, rules);
  if (auto* error = std::get_if<frame_error>(&parsed)) return std::move(*error);
  const auto& object = std::get<json_document>(parsed);

  std::optional<std::string> session;
  if (const auto* value = object.find("session"); !absent(value)) {
    if (value->what != json_member::type::string) {
      return make_error(error_code::bad_message, "\"session\" must be a string");
    }
    session = value->text;
  }
  auto message = read_message(object, rules);
  if (auto* error = std::get_if<frame_error>(&message)) return std::move(*error);
  auto where = read_place(object);
  if (auto* error = std::get_if<frame_error>(&where)) return std::move(*error);
  return chat_request{std::move(session), std::get<message_frame>(std::move(message)),
                      std::get<place>(std::move(where))};
}

std::string welcome_json(const dialogue::welcome& welcome, std::string_view session, bool resumed,
                         const frame_rules& rules) {
  return ordered{{"type", "welcome"},
                 {"session", session},
                 {"resumed", resumed},
                 {"text", welcome.text},
                 {"suggestions", welcome.suggestions},
                 {"limits", {{"text_chars", rules.max_text_chars}}}}
      .dump();
}

std::string reply_json(const dialogue::reply& reply, const std::optional<std::string>& reply_to,
                       const std::optional<std::string>& session) {
  // Written directly (json_writer), in the field order of docs/protocol.md.
  std::string out;
  out.reserve(reply_size_hint(reply));
  out += R"({"type":"reply","reply_to":)";
  json_out::optional_string(out, reply_to);
  out += R"(,"text":)";
  json_out::string(out, reply.text);
  out += R"(,"intent":)";
  json_out::string(out, to_string(reply.intent));
  out += R"(,"confidence":)";
  json_out::number(out, reply.confidence);
  out += R"(,"recommendation":)";
  json_out::optional_string(out, reply.recommendation);
  out += R"(,"sources":[)";
  for (std::size_t i = 0; i < reply.sources.size(); ++i) {
    if (i != 0) out.push_back(',');
    out += R"({"section":)";
    json_out::string(out, reply.sources[i].section);
    out += R"(,"text":)";
    json_out::string(out, reply.sources[i].text);
    out.push_back('}');
  }
  out += R"(],"suggestions":)";
  json_out::string_array(out, reply.suggestions);
  out += R"(,"form":)";
  write_form(out, reply.form);
  out += R"(,"booking":)";
  write_booking(out, reply.booking);
  if (session) {
    out += R"(,"session":)";
    json_out::string(out, *session);
  }
  out.push_back('}');
  return out;
}

std::string error_json(const frame_error& error) {
  return ordered{{"type", "error"},
                 {"code", to_string(error.code)},
                 {"message", error.message},
                 {"reply_to", optional_string(error.reply_to)}}
      .dump(-1, ' ', false, ordered::error_handler_t::replace);
}

std::string pong_json() {
  return R"({"type":"pong"})";
}

std::string hello_json(const place& taken) {
  return ordered{{"type", "hello"},
                 {"time_zone", optional_string(taken.time_zone)},
                 {"locale", optional_string(taken.locale)}}
      .dump();
}

}  // namespace advisor::server::protocol
