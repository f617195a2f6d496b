// Protocol v1 over a real WebSocket connection to the real binary: welcome, replies,
// reset, ping, every error code, length rules, ordering.

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/raw_websocket.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;

namespace {

// Messages sent in one write, so the server reads them together (batching_socket.hpp).
std::string message_frames(const std::vector<std::string>& texts, const std::string& prefix) {
  std::string bytes;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    bytes += frame(opcode::text, message(texts[i], prefix + std::to_string(i)).dump());
  }
  return bytes;
}

// The next text frame as JSON; fails the test when none comes in time.
json next_json(raw_websocket& ws) {
  const auto next = ws.next_frame(default_io_deadline);
  REQUIRE(next);
  REQUIRE(next->opcode == opcode::text);
  return json::parse(next->payload);
}

void read_replies(raw_websocket& ws, const std::string& prefix, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    const json reply = next_json(ws);
    INFO("reply #" << i << ": " << reply.dump());
    REQUIRE(reply.value("type", "") == "reply");
    CHECK(reply.value("reply_to", "") == prefix + std::to_string(i));
  }
}

}  // namespace

TEST_CASE("the first frame is a welcome with a fresh session", "[protocol][session]") {
  server_process server;
  ws_client first{server.port()};
  const json welcome = first.read_json();
  check_welcome(welcome);
  CHECK(welcome.value("resumed", true) == false);

  SECTION("every connection gets its own token") {
    ws_client second{server.port()};
    const json other = second.read_json();
    check_welcome(other);
    CHECK(other.value("session", "") != welcome.value("session", ""));
  }
}

TEST_CASE("a message gets exactly one reply naming its intent", "[protocol]") {
  server_process server;
  ws_client client{server.port()};
  read_welcome(client);

  struct example {
    std::string text;
    std::string intent;
  };
  const std::vector<example> examples = {
      {"hello", "greeting"},
      {"thanks", "thanks"},
      {"bye", "goodbye"},
      {"what can you do?", "help"},
      {"qwxz vbnm plokij", "fallback"},
  };
  SECTION("each example, one after the other") {
    for (const auto& [text, intent] : examples) {
      INFO("\"" << text << "\" is " << intent);
      client.send_json(message(text, "m-" + intent));
      const json reply = client.read_json();
      check_reply(reply, "m-" + intent);
      CHECK(reply.value("intent", "") == intent);
      CHECK(reply.value("recommendation", json{"absent"}).is_null());
      CHECK(reply.value("form", json{"absent"}).is_null());
      CHECK(reply.value("booking", json{"absent"}).is_null());
      // Exactly one: the next frame answers the next request.
      client.send_json({{"type", "ping"}});
      CHECK(client.read_json() == json{{"type", "pong"}});
    }
  }

  SECTION("without an id the reply has no reply_to") {
    client.send_json(message("hello"));
    check_reply(client.read_json(), "");
  }

  SECTION("an id of exactly 64 characters is echoed") {
    const std::string id(64, 'x');
    client.send_json(message("hello", id));
    check_reply(client.read_json(), id);
  }

  SECTION("text is trimmed before matching") {
    client.send_json(message("   hello \n\t", "trimmed"));
    const json reply = client.read_json();
    check_reply(reply, "trimmed");
    CHECK(reply.value("intent", "") == "greeting");
  }
}

TEST_CASE("every suggestion can be sent back as a message", "[protocol]") {
  server_process server;
  ws_client client{server.port()};
  const json welcome = client.read_json();
  check_welcome(welcome);

  std::vector<std::string> suggestions = welcome.value("suggestions", std::vector<std::string>{});
  client.send_json(message("hello", "seed"));
  const json greeting = client.read_json();
  check_reply(greeting, "seed");
  for (const auto& suggestion : greeting.value("suggestions", std::vector<std::string>{})) {
    suggestions.push_back(suggestion);
  }
  REQUIRE_FALSE(suggestions.empty());

  std::size_t n = 0;
  for (const auto& suggestion : suggestions) {
    INFO("suggestion: " << suggestion);
    const std::string id = "s" + std::to_string(n++);
    client.send_json(message(suggestion, id));
    const json reply = client.read_json();
    check_reply(reply, id);
    // Resetting between suggestions keeps each one independent of the previous answer.
    client.send_json({{"type", "reset"}});
    check_welcome(client.read_json());
  }
}

TEST_CASE("reset answers a new welcome with the same session", "[protocol][session]") {
  server_process server;
  ws_client client{server.port()};
  const std::string session = read_welcome(client);
  client.send_json(message("hello", "before"));
  check_reply(client.read_json(), "before");

  client.send_json({{"type", "reset"}});
  const json again = client.read_json();
  check_welcome(again);
  CHECK(again.value("session", "") == session);
  CHECK(again.value("resumed", true) == false);

  check_still_serving(client, "after-reset");
}

TEST_CASE("ping is answered by pong", "[protocol]") {
  server_process server;
  ws_client client{server.port()};
  read_welcome(client);
  client.send_json({{"type", "ping"}});
  CHECK(client.read_json() == json{{"type", "pong"}});
  check_still_serving(client, "after-ping");
}

TEST_CASE("hello sets the visitor's zone: booking slots are shown in it", "[protocol][booking]") {
  server_process server;
  ws_client client{server.port()};
  const std::string session = read_welcome(client);
  client.send_json({{"type", "hello"}, {"time_zone", "America/New_York"}, {"locale", "en-US"}});
  CHECK(client.read_json() ==
        json{{"type", "hello"}, {"time_zone", "America/New_York"}, {"locale", "en-US"}});

  SECTION("the slots carry both zones") {
    client.send_json(message("I'd like to book a consultation", "2"));
    json r = client.read_json();
    REQUIRE(r.at("form").is_object());
    for (const std::string text : {"Ada Park", "ada@park.dev", "skip", "A chat backend"}) {
      client.send_json(message(text, "x"));
      r = client.read_json();
    }
    REQUIRE(r.at("form").at("field") == "slot");
    const auto first = r.at("suggestions").at(0).get<std::string>();
    CHECK(first.find(" New York time (") != std::string::npos);
    CHECK(first.find(" Berlin time)") != std::string::npos);
    CHECK(r.at("text").get<std::string>().find("\n- ") == std::string::npos);
  }
  SECTION("it survives a reconnect with the session") {
    ws_options options;
    options.target = "/ws?session=" + session;
    client.close();
    ws_client again{server.port(), options};
    const json resumed = again.read_json();
    CHECK(resumed.value("resumed", false) == true);
    again.send_json({{"type", "hello"}});
    CHECK(again.read_json() ==
          json{{"type", "hello"}, {"time_zone", "America/New_York"}, {"locale", "en-US"}});
  }
  SECTION("an unknown zone is a bad_message and changes nothing") {
    client.send_json({{"type", "hello"}, {"time_zone", "Mars/Olympus"}});
    const json error = client.read_json();
    CHECK(error.at("type") == "error");
    CHECK(error.at("code") == "bad_message");
    client.send_json({{"type", "hello"}, {"time_zone", "<script>"}});
    CHECK(client.read_json().at("code") == "bad_message");
    client.send_json({{"type", "hello"}});
    CHECK(client.read_json().at("time_zone") == "America/New_York");
    check_still_serving(client, "after-hello");
  }
}

TEST_CASE("a frame the server cannot take gets an error and changes nothing", "[protocol]") {
  // One server for every case (a start under the sanitizers costs a second), one visitor each.
  server_process server;

  struct bad_frame {
    std::string name;
    std::string frame;
    std::string code;
    std::string reply_to;  // empty: null
  };
  const std::string id65(65, 'i');
  const std::vector<bad_frame> cases = {
      {"not JSON", "hello there", "bad_json", ""},
      {"truncated JSON", R"({"type":"message","text":"hi","id":"t1")", "bad_json", ""},
      {"empty frame", "", "bad_json", ""},
      {"an array", R"(["message","hi"])", "bad_message", ""},
      {"a string", R"("hello")", "bad_message", ""},
      {"a number", "42", "bad_message", ""},
      {"null", "null", "bad_message", ""},
      {"no type", R"({"text":"hi","id":"n1"})", "bad_message", "n1"},
      {"a type that is not a string", R"({"type":5,"text":"hi","id":"n2"})", "bad_message", "n2"},
      {"an unknown type", R"({"type":"shout","text":"hi","id":"n3"})", "bad_message", "n3"},
      {"message without text", R"({"type":"message","id":"n4"})", "bad_message", "n4"},
      {"text that is not a string", R"({"type":"message","text":42,"id":"n5"})", "bad_message",
       "n5"},
      {"text that is null", R"({"type":"message","text":null,"id":"n6"})", "bad_message", "n6"},
      {"an id that is not a string", R"({"type":"message","text":"hi","id":7})", "bad_message", ""},
      {"an id over 64 characters", R"({"type":"message","text":"hi","id":")" + id65 + R"("})",
       "bad_message", ""},
      {"empty text", R"({"type":"message","text":"","id":"n8"})", "bad_message", "n8"},
      {"text empty after trimming", R"({"type":"message","text":"  \n\t ","id":"n9"})",
       "bad_message", "n9"},
      {"text over 2000 characters",
       R"({"type":"message","text":")" + std::string(2001, 'a') + R"(","id":"n10"})", "too_long",
       "n10"},
  };
  for (const auto& bad : cases) {
    INFO(bad.name << " is " << bad.code);
    ws_client client{server.port()};
    const std::string session = read_welcome(client);
    client.send_text(bad.frame);
    check_error(client.read_json(), bad.code, bad.reply_to);
    check_still_serving(client, "after");
    // Still the same conversation: a reset (not a reconnect) keeps the token.
    client.send_json({{"type", "reset"}});
    CHECK(client.read_json().value("session", "") == session);
  }
}

TEST_CASE("text length is counted in characters after trimming", "[protocol]") {
  server_process server;
  ws_client client{server.port()};
  read_welcome(client);

  struct length_case {
    std::string name;
    std::string text;
    bool fits;
  };
  const std::vector<length_case> cases = {
      {"2000 ASCII characters", std::string(2000, 'a'), true},
      {"2001 ASCII characters", std::string(2001, 'a'), false},
      {"2000 two-byte characters", repeat("\xc3\xa9", 2000), true},
      {"2001 two-byte characters", repeat("\xc3\xa9", 2001), false},
      {"2000 three-byte characters", repeat("\xe6\x97\xa5", 2000), true},
      {"2000 four-byte characters", repeat("\xf0\x9f\x98\x80", 2000), true},
      {"2000 characters padded with spaces", "   " + std::string(2000, 'a') + "   ", true},
  };
  for (const auto& [name, text, fits] : cases) {
    INFO(name << (fits ? " fit" : " are too long"));
    client.send_json(message(text, "len"));
    const json answer = client.read_json();
    if (fits) {
      check_reply(answer, "len");
    } else {
      check_error(answer, "too_long", "len");
    }
    check_still_serving(client, "after");
  }
}

TEST_CASE("50 pipelined messages are replied to once each, in order", "[protocol]") {
  // Several threads, so ordering cannot come from a single-threaded server by accident.
  server_process server{{{"--threads", "4"}}};
  ws_client client{server.port()};
  read_welcome(client);

  const std::vector<std::string> texts = {"hello", "thanks", "what can you do?", "zxqv wplm",
                                          "bye"};
  constexpr int count = 50;
  for (int i = 0; i < count; ++i) {
    client.send_json(
        message(texts[static_cast<std::size_t>(i) % texts.size()], "p" + std::to_string(i)));
  }
  for (int i = 0; i < count; ++i) {
    const json reply = client.read_json();
    INFO("reply #" << i << ": " << reply.dump());
    REQUIRE(reply.value("type", "") == "reply");
    CHECK(reply.value("reply_to", "") == "p" + std::to_string(i));
  }
  // And nothing more than one reply each: the next frame is the pong.
  client.send_json({{"type", "ping"}});
  CHECK(client.read_json() == json{{"type", "pong"}});
}

TEST_CASE("pipelined messages keep their order when one answer waits for storage",
          "[protocol][booking]") {
  // The booking request opens the form, whose answer is saved (with an fsync) on the storage
  // thread before it is sent, while the messages behind it are read and answered at once:
  // their replies still wait for it.
  server_process server{{{"--threads", "4"}}};
  ws_client client{server.port()};
  read_welcome(client);
  const std::vector<std::string> texts = {"hello",  "I'd like to book a consultation", "cancel",
                                          "thanks", "I'd like to book a consultation", "cancel",
                                          "bye"};
  for (std::size_t i = 0; i < texts.size(); ++i) {
    client.send_json(message(texts[i], "s" + std::to_string(i)));
  }
  bool saw_form = false;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const json reply = client.read_json();
    INFO("reply #" << i << ": " << reply.dump());
    REQUIRE(reply.value("type", "") == "reply");
    CHECK(reply.value("reply_to", "") == "s" + std::to_string(i));
    saw_form = saw_form || reply.at("form").is_object();
  }
  CHECK(saw_form);  // the storage path was taken
  client.send_json({{"type", "ping"}});
  CHECK(client.read_json() == json{{"type", "pong"}});
}

TEST_CASE("messages read together are answered together, none held behind an incomplete one",
          "[protocol]") {
  // Replies to messages the server read in one go are gathered and sent at once; this checks
  // that gathering never keeps a reply back: not behind a message whose bytes are still on the
  // way, not behind a ping, not behind an answer that waits for storage.
  server_process server;
  raw_websocket ws{server.port()};
  REQUIRE(ws.status() == 101);
  REQUIRE(next_json(ws).value("type", "") == "welcome");
  const std::vector<std::string> texts = {
      "hello",     "what is the GIL?", "thanks", "node or python for a chat app?",
      "zxqv wplm", "what can you do?", "bye",    "hi again"};

  SECTION("all at once") {
    REQUIRE(ws.send(message_frames(texts, "a")));
    read_replies(ws, "a", 0, texts.size());
  }
  SECTION("the last message cut in two: the replies before it still come") {
    const auto last = frame(opcode::text, message("and for machine learning?", "cut").dump());
    REQUIRE(ws.send(message_frames(texts, "b") + last.substr(0, last.size() / 2)));
    read_replies(ws, "b", 0, texts.size());
    REQUIRE(ws.send(last.substr(last.size() / 2)));
    CHECK(next_json(ws).value("reply_to", "") == "cut");
  }
  SECTION("a ping among them is answered in its place") {
    const std::vector<std::string> first(texts.begin(), texts.begin() + 3);
    const std::vector<std::string> second(texts.begin() + 3, texts.end());
    REQUIRE(ws.send(message_frames(first, "c") + frame(opcode::ping, "here") +
                    message_frames(second, "d")));
    read_replies(ws, "c", 0, first.size());
    const auto pong = ws.next_frame(default_io_deadline);
    REQUIRE(pong);
    CHECK(pong->opcode == opcode::pong);
    CHECK(pong->payload == "here");
    read_replies(ws, "d", 0, second.size());
  }
  SECTION("an answer that waits for storage, and more messages than the reply queue holds") {
    // The form's answer is saved before it is sent; the 70 messages behind it fill the
    // connection's queue (64), so reading pauses until it is written.
    std::vector<std::string> many = {"hello", "I'd like to book a consultation", "cancel"};
    for (int i = 0; i < 70; ++i) many.emplace_back(i % 2 == 0 ? "what is npm?" : "thanks");
    server_process roomy{{{"--rate-burst", "200"}}};
    raw_websocket other{roomy.port()};
    REQUIRE(next_json(other).value("type", "") == "welcome");
    REQUIRE(other.send(message_frames(many, "e")));
    read_replies(other, "e", 0, many.size());
  }
  // The connection still serves one message at a time afterwards.
  REQUIRE(ws.send(frame(opcode::text, R"({"type":"ping"})")));
  CHECK(next_json(ws) == json{{"type", "pong"}});
}

TEST_CASE("bursts from many connections on two threads are all answered, in order", "[protocol]") {
  // Many connections each sending eight messages in one write, round after round, while two
  // threads serve them: gathered replies, the sends that carry them and the reads that wait
  // interleave in every order the scheduler finds. A version that let a write wait for a send
  // in flight crashed the server here.
  server_process server{{{"--threads", "2"},
                         {"--rate-limit", "100000"},
                         {"--rate-burst", "100000"},
                         {"--max-connections-per-address", "100"}}};
  constexpr int connections = 40;
  constexpr int rounds = 120;
  constexpr int burst = 8;
  std::vector<std::unique_ptr<raw_websocket>> clients;
  for (int c = 0; c < connections; ++c) {
    clients.push_back(std::make_unique<raw_websocket>(server.port()));
    REQUIRE(next_json(*clients.back()).value("type", "") == "welcome");
  }
  const std::vector<std::string> texts = {"hello",
                                          "whats the GIL",
                                          "node or python for a chat app?",
                                          "thanks!",
                                          "why?",
                                          "what about machine learning?",
                                          "which is better for beginners",
                                          "bye"};
  for (int round = 0; round < rounds; ++round) {
    const auto prefix = "r" + std::to_string(round) + "-";
    for (auto& client : clients) REQUIRE(client->send(message_frames(texts, prefix)));
    for (auto& client : clients) {
      for (int i = 0; i < burst; ++i) {
        const json reply = next_json(*client);
        if (reply.value("reply_to", "") != prefix + std::to_string(i)) {
          FAIL("round " << round << ", reply #" << i << ": " << reply.dump());
        }
      }
    }
  }
}
