// Bad input against the real binary (issue 8): frames and POST bodies that are not one
// plain JSON object, text that only looks non-empty, and control characters in the
// booking form. Each gets a clear error and changes nothing.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;

namespace {

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
  // One server for every case (a start under the sanitizers costs a second), one connection each.
  server_process server;
  for (const auto& bad : strict_json_cases()) {
    INFO(bad.name << " is " << bad.code);
    ws_client client{server.port()};
    read_welcome(client);
    client.send_text(bad.frame);
    check_error(client.read_json(), bad.code, bad.reply_to);
    check_still_serving(client, "after");
  }
}

TEST_CASE("a POST /api/chat body that is not exactly one plain JSON object is refused",
          "[bad_input][http]") {
  server_process server;
  for (const auto& bad : strict_json_cases()) {
    INFO(bad.name << " is " << bad.code);
    // The same bodies as the frames, as chat requests (no "type" needed there).
    const auto response = http_request(server.port(), "POST", "/api/chat", bad.frame);
    CHECK(response.status == 400);
    INFO(response.body);
    const auto body = json::parse(response.body, nullptr, false);
    CHECK(body.is_object());
    CHECK(body.value("code", "") == bad.code);
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

TEST_CASE("text of only invisible characters or Unicode spaces is empty", "[bad_input]") {
  server_process server;
  ws_client client{server.port()};
  read_welcome(client);
  const std::vector<std::pair<std::string, std::string>> blanks = {
      {"zero-width spaces", "\u200B\u200B\u200B"},
      {"no-break spaces", "\u00A0 \u00A0"},
      {"a byte order mark", "\uFEFF"},
      {"an em space and a word joiner", "\u2003\u2060"},
      {"an ideographic space and a soft hyphen", "\u3000\u00AD"},
  };
  SECTION("in a message") {
    for (const auto& [name, text] : blanks) {
      INFO(name);
      client.send_json(message(text, "b1"));
      check_error(client.read_json(), "bad_message", "b1");
      check_still_serving(client, "after");
    }
  }
  SECTION("over POST /api/chat too") {
    const auto response =
        http_request(server.port(), "POST", "/api/chat", json{{"text", "\u200B\u00A0"}}.dump());
    CHECK(response.status == 400);
  }
}

TEST_CASE("the booking form refuses invisible and control characters with a reason",
          "[bad_input][booking]") {
  server_process server;
  // A new visitor with the booking form open at its first field.
  const auto open_form = [&](ws_client& client) {
    read_welcome(client);
    client.send_json(message("Book a free consultation", "open"));
    const json opened = client.read_json();
    REQUIRE(opened.value("form", json{}).is_object());
    REQUIRE(opened.at("form").value("field", "") == "name");
  };

  // Each answer is refused: the name is asked again with a reason, and nothing is filled.
  // (A message of only invisible characters never reaches the form: it is a bad_message.)
  struct refused {
    std::string name;
    std::string text;
    std::string reason;  // a part of the reply's text
  };
  const std::vector<refused> answers = {
      {"zero-width spaces around a full stop", "\u200B.\u200C\u200D", "didn't catch a name"},
      {"no-break spaces and a BOM around a !", "\u00A0!\uFEFF\u00A0", "didn't catch a name"},
      {"a NUL", std::string{"Ada\0Lovelace", 12}, "characters that can't be typed"},
      {"an escape sequence", "Ada\x1B[2J", "characters that can't be typed"},
      {"a carriage return", "Ada\rMallory", "characters that can't be typed"},
      {"a line feed", "Ada\nMallory", "characters that can't be typed"},
      {"a C1 control (CSI)", "Ada\u009B2JMallory", "characters that can't be typed"},
  };
  SECTION("each refused answer, in a form of its own") {
    for (const auto& [name, text, reason] : answers) {
      INFO(name);
      ws_client client{server.port()};
      open_form(client);
      client.send_json(message(text, "f1"));
      const json reply = client.read_json();
      check_reply(reply, "f1");
      INFO(reply.dump());
      REQUIRE(reply.value("form", json{}).is_object());
      CHECK(reply.at("form").value("field", "") == "name");
      CHECK(reply.at("form").value("filled", json::object()).value("name", json{}).is_null());
      CHECK(reply.value("text", "").find(reason) != std::string::npos);
      // The next good answer is taken as if nothing had happened.
      client.send_json(message("Ada Lovelace", "f2"));
      const json next = client.read_json();
      check_reply(next, "f2");
      CHECK(next.value("form", json::object()).value("filled", json::object()).value("name", "") ==
            "Ada Lovelace");
    }
  }
  SECTION("a name of only zero-width characters is a bad_message, and the form waits") {
    ws_client client{server.port()};
    open_form(client);
    client.send_json(message("\u200B\u200C\u200D", "z1"));
    check_error(client.read_json(), "bad_message", "z1");
    client.send_json(message("Ada Lovelace", "z2"));
    const json next = client.read_json();
    check_reply(next, "z2");
    CHECK(next.value("form", json::object()).value("filled", json::object()).value("name", "") ==
          "Ada Lovelace");
  }
}
