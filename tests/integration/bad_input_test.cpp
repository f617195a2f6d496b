// Bad input against the real binary (issue 8): frames and POST bodies that are not one
// plain JSON object. Each gets a clear error and changes nothing.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;

namespace {

std::string repeat(const std::string& unit, std::size_t count) {
  std::string text;
  text.reserve(unit.size() * count);
  for (std::size_t i = 0; i < count; ++i) text += unit;
  return text;
}

// Nothing changed: the next message gets its own reply, a greeting.
void check_still_serving(ws_client& client, const std::string& id) {
  client.send_json(message("hello", id));
  const json next = client.read_json();
  check_reply(next, id);
  CHECK(next.value("intent", "") == "greeting");
}

struct bad_frame {
  std::string name;
  std::string frame;
  std::string code;
  std::string reply_to;  // empty: null
};

// Frames that are not exactly one JSON object without repeated names or deep nesting.
std::vector<bad_frame> strict_json_cases() {
  const std::string ping = R"({"type":"ping"})";
  return {
      {"data after a NUL",
       std::string{R"({"type":"message","text":"hi","id":"n1"})"} + std::string{"\0GARBAGE", 8},
       "bad_json", ""},
      {"a lone trailing NUL", ping + std::string{"\0", 1}, "bad_json", ""},
      {"a NUL before the object", std::string{"\0", 1} + ping, "bad_json", ""},
      {"two objects", ping + ping, "bad_json", ""},
      {"a word after the object", ping + " x", "bad_json", ""},
      {"a repeated type", R"({"type":"ping","type":"ping"})", "bad_message", ""},
      {"a repeated text", R"({"type":"message","text":"a","text":"b","id":"d1"})", "bad_message",
       "d1"},
      {"a repeated id", R"({"type":"message","text":"a","id":"x","id":"y"})", "bad_message", ""},
      {"a repeated name deep inside",
       R"({"type":"message","text":"hi","id":"d2","extra":{"a":1,"a":2}})", "bad_message", "d2"},
      {"nesting 40 levels deep",
       R"({"type":"message","text":"hi","extra":)" + repeat("[", 40) + repeat("]", 40) + "}",
       "bad_message", ""},
  };
}

}  // namespace

TEST_CASE("a frame that is not exactly one plain JSON object is refused", "[bad_input]") {
  server_process server;
  ws_client client{server.port()};
  read_welcome(client);
  for (const auto& bad : strict_json_cases()) {
    DYNAMIC_SECTION(bad.name << " is " << bad.code) {
      client.send_text(bad.frame);
      check_error(client.read_json(), bad.code, bad.reply_to);
      check_still_serving(client, "after");
    }
  }
}

TEST_CASE("a POST /api/chat body that is not exactly one plain JSON object is refused",
          "[bad_input][http]") {
  server_process server;
  for (const auto& bad : strict_json_cases()) {
    DYNAMIC_SECTION(bad.name << " is " << bad.code) {
      // The same bodies as the frames, as chat requests (no "type" needed there).
      const auto response = http_request(server.port(), "POST", "/api/chat", bad.frame);
      CHECK(response.status == 400);
      INFO(response.body);
      const auto body = json::parse(response.body, nullptr, false);
      REQUIRE(body.is_object());
      CHECK(body.value("code", "") == bad.code);
    }
  }
}

TEST_CASE("nesting is cut off while parsing, however large the frame limit", "[bad_input]") {
  // 4 MiB of '[' under an 8 MiB frame limit: refused at the limit, not after building it.
  server_process server{{{"--max-frame-bytes", "8388608"}}};
  ws_client client{server.port()};
  read_welcome(client);
  client.send_text(repeat("[", 4 * 1024 * 1024));
  const json error = client.read_json();
  check_error(error, "bad_message", "");
  CHECK(error.value("message", "").find("deep") != std::string::npos);
  check_still_serving(client, "after");
}
