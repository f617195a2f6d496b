// Chat protocol v1 framing: every error code a client frame can earn, every field.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

#include "server/protocol.hpp"
#include "server/strict_json.hpp"

using namespace advisor::server::protocol;
using nlohmann::json;

namespace {

const frame_rules rules{};

frame_error error_of(const std::string& frame) {
  auto parsed = parse_client_frame(frame, rules);
  REQUIRE(std::holds_alternative<frame_error>(parsed));
  return std::get<frame_error>(parsed);
}

client_frame frame_of(const std::string& frame) {
  auto parsed = parse_client_frame(frame, rules);
  REQUIRE(std::holds_alternative<client_frame>(parsed));
  return std::get<client_frame>(parsed);
}

std::string repeat(const std::string& unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

}  // namespace

TEST_CASE("client frames that are understood", "[protocol]") {
  SECTION("a message with text and id") {
    const auto frame = frame_of(R"({"type":"message","text":"hello","id":"m1"})");
    const auto& message = std::get<message_frame>(frame);
    CHECK(message.text == "hello");
    CHECK(message.id == std::optional<std::string>{"m1"});
  }
  SECTION("a message without id") {
    const auto message = std::get<message_frame>(frame_of(R"({"type":"message","text":"hi"})"));
    CHECK_FALSE(message.id.has_value());
  }
  SECTION("text is trimmed") {
    const auto message =
        std::get<message_frame>(frame_of(R"({"type":"message","text":"  \n hi there \t"})"));
    CHECK(message.text == "hi there");
  }
  SECTION("unknown extra fields are ignored") {
    const auto frame = frame_of(R"({"type":"message","text":"hi","extra":[1,2]})");
    CHECK(std::holds_alternative<message_frame>(frame));
  }
  SECTION("reset") {
    CHECK(std::holds_alternative<reset_frame>(frame_of(R"({"type":"reset"})")));
  }
  SECTION("ping") {
    CHECK(std::holds_alternative<ping_frame>(frame_of(R"({"type":"ping"})")));
  }
  SECTION("2000 characters are allowed, counted as characters not bytes") {
    const auto text = repeat("é", 2000);
    const auto frame = frame_of(json{{"type", "message"}, {"text", text}}.dump());
    CHECK(std::get<message_frame>(frame).text == text);
  }
  SECTION("an id of 64 characters is allowed") {
    const auto id = repeat("x", 64);
    const auto frame = frame_of(json{{"type", "message"}, {"text", "hi"}, {"id", id}}.dump());
    CHECK(std::get<message_frame>(frame).id == id);
  }
}

TEST_CASE("bad_json: frames that are not JSON", "[protocol]") {
  for (const auto* frame : {"", "{", "hello", "{\"type\":\"message\",}", "[1,2"}) {
    CAPTURE(frame);
    const auto error = error_of(frame);
    CHECK(error.code == error_code::bad_json);
    CHECK(error.message == "the frame is not valid JSON");
    CHECK_FALSE(error.reply_to.has_value());
  }
}

TEST_CASE("bad_message: JSON that breaks the message rules", "[protocol]") {
  SECTION("not an object") {
    for (const auto* frame : {"[]", "42", "\"message\"", "null", "true"}) {
      CAPTURE(frame);
      const auto error = error_of(frame);
      CHECK(error.code == error_code::bad_message);
      CHECK(error.message == "the frame must be a JSON object");
    }
  }
  SECTION("missing type") {
    const auto error = error_of(R"({"text":"hi"})");
    CHECK(error.code == error_code::bad_message);
    CHECK(error.message == "the frame needs a \"type\" string");
  }
  SECTION("type not a string") {
    const auto error = error_of(R"({"type":1})");
    CHECK(error.code == error_code::bad_message);
    CHECK(error.message == "\"type\" must be a string");
  }
  SECTION("a valid id is echoed whatever else is wrong") {
    for (const auto* frame : {R"({"text":"hi","id":"n1"})", R"({"type":5,"id":"n1"})",
                              R"({"type":"shout","id":"n1"})"}) {
      CAPTURE(frame);
      const auto error = error_of(frame);
      CHECK(error.code == error_code::bad_message);
      CHECK(error.reply_to == std::optional<std::string>{"n1"});
    }
  }
  SECTION("unknown type, not echoed back") {
    const auto error = error_of(R"({"type":"<script>"})");
    CHECK(error.code == error_code::bad_message);
    CHECK(error.message == "unknown \"type\"; expected message, hello, reset or ping");
  }
  SECTION("message without text keeps the id for reply_to") {
    const auto error = error_of(R"({"type":"message","id":"a"})");
    CHECK(error.code == error_code::bad_message);
    CHECK(error.message == "a message needs a \"text\" string");
    CHECK(error.reply_to == std::optional<std::string>{"a"});
  }
  SECTION("text not a string") {
    const auto error = error_of(R"({"type":"message","text":5,"id":"b"})");
    CHECK(error.code == error_code::bad_message);
    CHECK(error.message == "\"text\" must be a string");
    CHECK(error.reply_to == std::optional<std::string>{"b"});
  }
  SECTION("text empty after trimming") {
    const auto error = error_of(R"({"type":"message","text":"   \n"})");
    CHECK(error.code == error_code::bad_message);
    CHECK(error.message == "\"text\" is empty");
  }
  SECTION("id not a string") {
    const auto error = error_of(R"({"type":"message","text":"hi","id":7})");
    CHECK(error.code == error_code::bad_message);
    CHECK(error.message == "\"id\" must be a string");
    CHECK_FALSE(error.reply_to.has_value());
  }
  SECTION("id longer than 64 characters") {
    const auto frame = json{{"type", "message"}, {"text", "hi"}, {"id", repeat("x", 65)}}.dump();
    const auto error = error_of(frame);
    CHECK(error.code == error_code::bad_message);
    CHECK(error.message == "\"id\" is longer than 64 characters");
    CHECK_FALSE(error.reply_to.has_value());
  }
}

TEST_CASE("bad_json: anything after the one JSON value", "[protocol]") {
  const std::string ping = R"({"type":"ping"})";
  const std::string nul{"\0", 1};
  for (const auto& frame :
       {ping + nul + "GARBAGE", ping + nul, nul + ping, ping + ping, ping + " x", ping + "]"}) {
    CAPTURE(frame);
    const auto error = error_of(frame);
    CHECK(error.code == error_code::bad_json);
    CHECK(error.message == "the frame is not valid JSON");
  }
  SECTION("white space after the value is fine") {
    CHECK(std::holds_alternative<ping_frame>(frame_of(ping + " \r\n\t")));
  }
}

TEST_CASE("strict JSON takes as JSON exactly what nlohmann's strict parser does", "[protocol]") {
  // Frames edited at random, one to three bytes at a time, with the bytes JSON is made of and
  // some that are not valid UTF-8: each is JSON to both parsers or to neither.
  const std::vector<std::string> seeds{
      R"({"type":"message","text":"hi there","id":"n1"})",
      R"({"a":[1,2.5e3,-0,true,false,null,{"b":"\u00e9\ud83d\ude00"}]})", R"([1e999, 0e999])",
      R"("x")", R"({"t":"a\\b\"c\n"})"};
  const char alphabet[] = "{}[]\",:0123456789.eE+-tfnul\\ \t\nabx\0\xc3\xa9\xff\xed\xa0\x80";
  const std::string bytes{alphabet, sizeof alphabet - 1};
  std::mt19937 random{20261206};
  for (int i = 0; i < 200'000; ++i) {
    auto text = seeds[random() % seeds.size()];
    for (auto edits = 1 + random() % 3; edits > 0; --edits) {
      const auto at = random() % (text.size() + 1);
      const char byte = bytes[random() % bytes.size()];
      if (at == text.size()) {
        text.push_back(byte);
      } else if (const auto how = random() % 3; how == 0) {
        text.erase(at, 1);
      } else if (how == 1) {
        text.insert(at, 1, byte);
      } else {
        text[at] = byte;
      }
    }
    // nlohmann reads a NUL as the end of the text; JSON has none outside strings' escapes.
    const bool json_to_nlohmann = text.find('\0') == std::string::npos && json::accept(text);
    const auto read = advisor::server::parse_strict_json(text, 1000);
    const auto* problem = std::get_if<advisor::server::json_problem>(&read);
    const bool json_to_us =
        problem == nullptr || problem->what != advisor::server::json_problem::kind::not_json;
    if (json_to_us != json_to_nlohmann)
      FAIL_CHECK(json(text).dump(-1, ' ', true, json::error_handler_t::replace));
  }
}

TEST_CASE("bad_message: nesting deeper than the limit, cut off while parsing", "[protocol]") {
  const auto nested = [](std::size_t depth) {
    return R"({"type":"ping","x":)" + repeat("[", depth - 1) + repeat("]", depth - 1) + "}";
  };
  CHECK(std::holds_alternative<ping_frame>(frame_of(nested(32))));
  const auto error = error_of(nested(33));
  CHECK(error.code == error_code::bad_message);
  CHECK(error.message == "the frame nests deeper than 32 levels");
  SECTION("an unfinished flood of brackets stops at the limit") {
    const auto flood = error_of(repeat("[", 1'000'000));
    CHECK(flood.code == error_code::bad_message);
    CHECK(flood.message == "the frame nests deeper than 32 levels");
  }
}

TEST_CASE("bad_message: a name twice in one object", "[protocol]") {
  SECTION("at the top, with the id echoed") {
    const auto error = error_of(R"({"type":"message","text":"a","text":"b","id":"d1"})");
    CHECK(error.code == error_code::bad_message);
    CHECK(error.message == "\"text\" appears twice in one object");
    CHECK(error.reply_to == std::optional<std::string>{"d1"});
  }
  SECTION("a repeated id is not echoed") {
    const auto error = error_of(R"({"type":"ping","id":"a","id":"b"})");
    CHECK(error.code == error_code::bad_message);
    CHECK_FALSE(error.reply_to.has_value());
  }
  SECTION("deep inside") {
    const auto error = error_of(R"({"type":"ping","x":[{"k":1},{"k":2,"k":3}]})");
    CHECK(error.code == error_code::bad_message);
    CHECK(error.message == "\"k\" appears twice in one object");
  }
  SECTION("the same name in two objects is fine") {
    CHECK(std::holds_alternative<ping_frame>(frame_of(R"({"type":"ping","x":[{"k":1},{"k":2}]})")));
  }
  SECTION("bad JSON after a repeated name is bad_json") {
    CHECK(error_of(R"({"type":"ping","type":"ping")").code == error_code::bad_json);
  }
  SECTION("POST /api/chat bodies alike") {
    auto parsed = parse_chat_request(R"({"text":"hi","text":"ho"})", rules);
    REQUIRE(std::holds_alternative<frame_error>(parsed));
    CHECK(std::get<frame_error>(parsed).code == error_code::bad_message);
  }
}

TEST_CASE("bad_message: text of only invisible characters is empty", "[protocol]") {
  for (const auto* text : {"\u200B", "\u00A0\u00A0", "\uFEFF \u2060", "\u3000\u00AD\u200D"}) {
    CAPTURE(text);
    const auto error = error_of(json{{"type", "message"}, {"text", text}}.dump());
    CHECK(error.code == error_code::bad_message);
    CHECK(error.message == "\"text\" is empty");
  }
  SECTION("invisible characters around the text are trimmed") {
    const auto frame = json{{"type", "message"}, {"text", "\u200B\u00A0hi there\uFEFF"}}.dump();
    CHECK(std::get<message_frame>(frame_of(frame)).text == "hi there");
  }
}

TEST_CASE("too_long: text over 2000 characters", "[protocol]") {
  const auto frame = json{{"type", "message"}, {"text", repeat("a", 2001)}, {"id", "long"}}.dump();
  const auto error = error_of(frame);
  CHECK(error.code == error_code::too_long);
  CHECK(error.message == "\"text\" is longer than 2000 characters");
  CHECK(error.reply_to == std::optional<std::string>{"long"});
}

TEST_CASE("POST /api/chat bodies", "[protocol]") {
  SECTION("session, text and id") {
    auto parsed = parse_chat_request(R"({"session":"abc","text":" hi ","id":"1"})", rules);
    REQUIRE(std::holds_alternative<chat_request>(parsed));
    const auto& request = std::get<chat_request>(parsed);
    CHECK(request.session == std::optional<std::string>{"abc"});
    CHECK(request.message.text == "hi");
    CHECK(request.message.id == std::optional<std::string>{"1"});
  }
  SECTION("no session starts a new one") {
    auto parsed = parse_chat_request(R"({"text":"hi"})", rules);
    REQUIRE(std::holds_alternative<chat_request>(parsed));
    CHECK_FALSE(std::get<chat_request>(parsed).session.has_value());
  }
  SECTION("session must be a string") {
    auto parsed = parse_chat_request(R"({"session":1,"text":"hi"})", rules);
    REQUIRE(std::holds_alternative<frame_error>(parsed));
    CHECK(std::get<frame_error>(parsed).code == error_code::bad_message);
  }
  SECTION("not JSON") {
    auto parsed = parse_chat_request("text=hi", rules);
    REQUIRE(std::holds_alternative<frame_error>(parsed));
    CHECK(std::get<frame_error>(parsed).code == error_code::bad_json);
  }
}

TEST_CASE("server frames", "[protocol]") {
  SECTION("welcome") {
    frame_rules shorter;
    shorter.max_text_chars = 500;
    const auto out = json::parse(welcome_json({"Hi!", {"a", "b"}}, "tok", true, shorter));
    CHECK(out.at("type") == "welcome");
    CHECK(out.at("session") == "tok");
    CHECK(out.at("resumed") == true);
    CHECK(out.at("text") == "Hi!");
    CHECK(out.at("suggestions") == json::array({"a", "b"}));
    // The client learns the limit here instead of knowing it by heart.
    CHECK(out.at("limits").at("text_chars") == 500);
  }
  SECTION("reply with every field") {
    advisor::dialogue::reply r;
    r.text = "Node.js fits.";
    r.intent = advisor::intents::intent::compare;
    r.confidence = 0.75;
    r.recommendation = "node";
    r.sources = {{"Use Case Fit", "Node.js is ideal."}};
    r.suggestions = {"Why?"};
    const auto out = json::parse(reply_json(r, std::string{"m1"}));
    CHECK(out.at("type") == "reply");
    CHECK(out.at("reply_to") == "m1");
    CHECK(out.at("text") == "Node.js fits.");
    CHECK(out.at("intent") == "compare");
    CHECK(out.at("confidence") == 0.75);
    CHECK(out.at("recommendation") == "node");
    CHECK(out.at("sources") ==
          json::array({{{"section", "Use Case Fit"}, {"text", "Node.js is ideal."}}}));
    CHECK(out.at("suggestions") == json::array({"Why?"}));
    CHECK(out.at("form").is_null());
    CHECK(out.at("booking").is_null());
    CHECK_FALSE(out.contains("session"));
  }
  SECTION("reply without id or recommendation has nulls; HTTP adds the session") {
    advisor::dialogue::reply r;
    r.intent = advisor::intents::intent::greeting;
    const auto out = json::parse(reply_json(r, std::nullopt, std::string{"tok"}));
    CHECK(out.at("reply_to").is_null());
    CHECK(out.at("recommendation").is_null());
    CHECK(out.at("session") == "tok");
  }
  SECTION("reply with a form and a booking") {
    advisor::dialogue::reply r;
    r.form = advisor::dialogue::form_status{"booking", "email", {{"name", "Ada"}}};
    r.booking = advisor::dialogue::booking_status{"ADV-1", "confirmed"};
    const auto out = json::parse(reply_json(r, std::nullopt));
    CHECK(out.at("form").at("name") == "booking");
    CHECK(out.at("form").at("field") == "email");
    CHECK(out.at("form").at("filled").at("name") == "Ada");
    CHECK(out.at("booking").at("reference") == "ADV-1");
    CHECK(out.at("booking").at("status") == "confirmed");
  }
  SECTION("the reply is written byte for byte as nlohmann writes it") {
    // The reply is written without a JSON tree; this is the tree it replaced.
    using ordered = nlohmann::ordered_json;
    advisor::dialogue::reply r;
    r.text = "Quotes \" and \\ backslash,\n\ttabs, \x01 control, caf\xc3\xa9, \xe2\x82\xac, \x7f";
    r.intent = advisor::intents::intent::compare;
    r.confidence = 0.1 + 0.2;
    r.recommendation = "node";
    r.sources = {{"Use Case Fit", "Node.js </script> is \"ideal\"."}, {"B", ""}};
    r.suggestions = {"Why?", "bad \xff byte"};
    r.form = advisor::dialogue::form_status{"booking", "email", {{"name", "Ada"}, {"b", "x"}}};
    r.booking = advisor::dialogue::booking_status{"ADV-1", "confirmed"};
    auto sources = ordered::array();
    for (const auto& s : r.sources) sources.push_back({{"section", s.section}, {"text", s.text}});
    ordered expected{
        {"type", "reply"},
        {"reply_to", "m\"1"},
        {"text", r.text},
        {"intent", to_string(r.intent)},
        {"confidence", r.confidence},
        {"recommendation", *r.recommendation},
        {"sources", sources},
        {"suggestions", r.suggestions},
        {"form", {{"name", "booking"}, {"field", "email"}, {"filled", r.form->filled}}},
        {"booking",
         {{"reference", "ADV-1"},
          {"status", "confirmed"},
          {"ics_url", "/api/bookings/ADV-1.ics"}}}};
    expected["session"] = "tok";
    CHECK(reply_json(r, std::string{"m\"1"}, std::string{"tok"}) ==
          expected.dump(-1, ' ', false, ordered::error_handler_t::replace));
    r.confidence = 1.0;
    r.form.reset();
    r.booking.reset();
    r.recommendation.reset();
    expected = {{"type", "reply"},    {"reply_to", nullptr},
                {"text", r.text},     {"intent", to_string(r.intent)},
                {"confidence", 1.0},  {"recommendation", nullptr},
                {"sources", sources}, {"suggestions", r.suggestions},
                {"form", nullptr},    {"booking", nullptr}};
    CHECK(reply_json(r, std::nullopt) ==
          expected.dump(-1, ' ', false, ordered::error_handler_t::replace));
  }
  SECTION("error") {
    const auto out = json::parse(error_json({error_code::rate_limited, "slow down", std::nullopt}));
    CHECK(out.at("type") == "error");
    CHECK(out.at("code") == "rate_limited");
    CHECK(out.at("message") == "slow down");
    CHECK(out.at("reply_to").is_null());
  }
  SECTION("every error code has its wire name") {
    CHECK(to_string(error_code::bad_json) == "bad_json");
    CHECK(to_string(error_code::bad_message) == "bad_message");
    CHECK(to_string(error_code::too_long) == "too_long");
    CHECK(to_string(error_code::rate_limited) == "rate_limited");
    CHECK(to_string(error_code::internal) == "internal");
  }
  SECTION("pong") {
    CHECK(json::parse(pong_json()) == json{{"type", "pong"}});
  }
}
