// A clarifying question through the real binary: close readings get one short question with
// quick replies, and sending a quick reply back over the same WebSocket answers the message
// asked about as that reading.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/clients.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/server_process.hpp"

namespace fs = std::filesystem;
using namespace advisor::test;
using nlohmann::json;

namespace {

// The project's intents with a learned weighting of biases only, so the test does not hang
// on what training learns: every message the rules do not send to fallback reads as a
// comparison with "outside the guide" close behind; one matching an out_of_scope pattern
// ("It's about something else") reads as that.
const char* const close_weights = R"({"clarify_margins": {"compare>out_of_scope": 0.2}, "intents": {
  "compare": {"bias": 1.0, "weights": {}},
  "out_of_scope": {"bias": 0.9, "weights": {"match:out_of_scope": 6.0}}}})";

void copy_intents(const temp_dir& dir) {
  const fs::path to = dir.file("intents");
  fs::copy(fs::path{advisor_source_dir()} / "intents" / "data", to, fs::copy_options::recursive);
  std::ofstream{to / "weights.json", std::ios::binary | std::ios::trunc} << close_weights;
}

json say(ws_client& client, const std::string& text, const std::string& id) {
  client.send_json({{"type", "message"}, {"text", text}, {"id", id}});
  const json reply = client.read_json();
  check_reply(reply, id);
  return reply;
}

}  // namespace

TEST_CASE("close readings: one question, and a quick reply sent back answers it",
          "[protocol][clarify]") {
  temp_dir dir;
  copy_intents(dir);
  server_process server{{{"--intents-dir", dir.file("intents")}, {"--db", dir.db()}}};
  ws_client client{server.port()};
  read_welcome(client);

  const json asked = say(client, "node or python for a chat app?", "q1");
  CHECK(asked.at("intent") == "clarify");
  CHECK(asked.at("recommendation").is_null());
  REQUIRE(asked.at("suggestions") ==
          json::array({"Compare Node.js and Python for it", "It's about something else"}));

  const json answered = say(client, asked.at("suggestions").at(0).get<std::string>(), "q2");
  CHECK(answered.at("intent") == "compare");
  CHECK(answered.at("recommendation") == "node");
  CHECK(answered.at("confidence") == 1.0);

  // Asked again about a new message, the other quick reply picks the other reading.
  CHECK(say(client, "node or python for streaming?", "q3").at("intent") == "clarify");
  const json outside = say(client, "It's about something else", "q4");
  CHECK(outside.at("intent") == "out_of_scope");

  const auto metrics = http_request(server.port(), "GET", "/metrics");
  CHECK(metrics.body.find(R"(intent="clarify"} 2)") != std::string::npos);
}
