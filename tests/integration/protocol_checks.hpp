#pragma once
// Shape checks for the frames of protocol v1 (../shared/protocol.md), shared by the tests.

#include <cstddef>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/integration/clients.hpp"

namespace advisor::test {

inline bool is_string_array(const json& value) {
  if (!value.is_array()) {
    return false;
  }
  for (const auto& item : value) {
    if (!item.is_string()) {
      return false;
    }
  }
  return true;
}

// A token of at least 128 random bits is at least 22 characters in any text encoding
// (base64url: 22, hex: 32), and must survive a URL query unescaped.
inline bool is_session_token(const json& value) {
  if (!value.is_string()) {
    return false;
  }
  const auto& token = value.get_ref<const std::string&>();
  if (token.size() < 22) {
    return false;
  }
  for (const char c : token) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (!unreserved) {
      return false;
    }
  }
  return true;
}

inline void check_welcome(const json& frame) {
  INFO(frame.dump());
  CHECK(frame.value("type", "") == "welcome");
  CHECK(is_session_token(frame.value("session", json{})));
  CHECK(frame.contains("resumed"));
  CHECK(frame.value("resumed", json{}).is_boolean());
  CHECK(frame.value("text", json{}).is_string());
  CHECK_FALSE(frame.value("text", std::string{}).empty());
  CHECK(is_string_array(frame.value("suggestions", json{})));
  CHECK_FALSE(frame.value("suggestions", json::array()).empty());
}

inline bool is_source_array(const json& value) {
  if (!value.is_array()) {
    return false;
  }
  for (const auto& item : value) {
    if (!item.is_object() || !item.value("section", json{}).is_string() ||
        !item.value("text", json{}).is_string()) {
      return false;
    }
  }
  return true;
}

inline bool is_recommendation(const json& value) {
  return value.is_null() || value == "node" || value == "python" || value == "hybrid" ||
         value == "depends";
}

// Every field of a `reply` with its type; `id` is the message's id (empty: none was sent).
inline void check_reply(const json& frame, const std::string& id) {
  INFO(frame.dump());
  CHECK(frame.value("type", "") == "reply");
  if (id.empty()) {
    CHECK(frame.value("reply_to", json{}).is_null());
  } else {
    CHECK(frame.value("reply_to", json{}) == id);
  }
  CHECK(frame.value("text", json{}).is_string());
  CHECK_FALSE(frame.value("text", std::string{}).empty());
  CHECK(frame.value("intent", json{}).is_string());
  CHECK(frame.value("confidence", json{}).is_number());
  CHECK(frame.value("confidence", -1.0) >= 0.0);
  CHECK(frame.value("confidence", 2.0) <= 1.0);
  CHECK(frame.contains("recommendation"));
  CHECK(is_recommendation(frame.value("recommendation", json{})));
  CHECK(is_source_array(frame.value("sources", json{})));
  CHECK(is_string_array(frame.value("suggestions", json{})));
  CHECK_FALSE(frame.value("suggestions", json::array()).empty());
  CHECK(frame.contains("form"));
  CHECK((frame.value("form", json{}).is_null() || frame.value("form", json{}).is_object()));
  CHECK(frame.contains("booking"));
  CHECK((frame.value("booking", json{}).is_null() || frame.value("booking", json{}).is_object()));
}

// An `error` frame with `code`; `reply_to` is the id it must echo (empty: null).
inline void check_error(const json& frame, const std::string& code, const std::string& reply_to) {
  INFO(frame.dump());
  CHECK(frame.value("type", "") == "error");
  CHECK(frame.value("code", "") == code);
  CHECK(frame.value("message", json{}).is_string());
  CHECK_FALSE(frame.value("message", std::string{}).empty());
  CHECK(frame.contains("reply_to"));
  if (reply_to.empty()) {
    CHECK(frame.value("reply_to", json{"absent"}).is_null());
  } else {
    CHECK(frame.value("reply_to", json{}) == reply_to);
  }
}

inline json message(const std::string& text, const std::string& id = {}) {
  json frame = {{"type", "message"}, {"text", text}};
  if (!id.empty()) {
    frame["id"] = id;
  }
  return frame;
}

// Reads the welcome every connection starts with and returns its session token.
inline std::string read_welcome(ws_client& client) {
  const json welcome = client.read_json();
  check_welcome(welcome);
  return welcome.value("session", std::string{});
}

// `unit` `count` times over: oversized texts and frames.
inline std::string repeat(const std::string& unit, std::size_t count) {
  std::string text;
  text.reserve(unit.size() * count);
  for (std::size_t i = 0; i < count; ++i) text += unit;
  return text;
}

// After an error the connection stays open and nothing changed: the next message is
// answered by its own reply (not a welcome, not a second error).
inline void check_still_serving(ws_client& client, const std::string& id) {
  client.send_json(message("hello", id));
  const json next = client.read_json();
  check_reply(next, id);
  CHECK(next.value("intent", "") == "greeting");
}

}  // namespace advisor::test
