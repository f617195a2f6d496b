// Frame-level abuse against the real binary (issue 8), spoken with a raw WebSocket client:
// floods of pings and pongs, messages of endless fragments, fragments that trickle in.
// Each ends with a close code the client can read, and a well-behaved peer is not affected.

#include <string>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/raw_websocket.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;

namespace {

// Reads the welcome the server sends first.
void skip_welcome(raw_websocket& ws) {
  REQUIRE(ws.status() == 101);
  const auto welcome = ws.next_frame(default_io_deadline);
  REQUIRE(welcome);
  REQUIRE(welcome->opcode == opcode::text);
  REQUIRE(welcome->payload.find("\"welcome\"") != std::string::npos);
}

std::string repeated(const std::string& frame_bytes, std::size_t count) {
  std::string bytes;
  bytes.reserve(frame_bytes.size() * count);
  for (std::size_t i = 0; i < count; ++i) bytes += frame_bytes;
  return bytes;
}

// Sends {"type":"ping"} and expects the protocol's pong back: the connection still serves.
void check_serving(raw_websocket& ws) {
  REQUIRE(ws.send(frame(opcode::text, R"({"type":"ping"})")));
  for (;;) {
    const auto next = ws.next_frame(default_io_deadline);
    REQUIRE(next);
    REQUIRE(next->opcode != opcode::close);
    if (next->opcode == opcode::text) {
      CHECK(next->payload == R"({"type":"pong"})");
      return;
    }
  }
}

}  // namespace

TEST_CASE("a flood of control frames closes with 1008", "[bad_input][protocol]") {
  server_process server;
  raw_websocket ws{server.port()};
  skip_welcome(ws);

  SECTION("pings") {
    ws.send(repeated(frame(opcode::ping, "flood"), 2000));
    CHECK(ws.close_code(default_io_deadline) == 1008);
    // Some were answered before the budget ran out, far from all of them.
    CHECK(ws.pongs_read() < 2000);
  }
  SECTION("unsolicited pongs") {
    ws.send(repeated(frame(opcode::pong, "flood"), 2000));
    CHECK(ws.close_code(default_io_deadline) == 1008);
  }
  SECTION("pings within the budget are answered and the connection serves") {
    ws.send(repeated(frame(opcode::ping, "ok"), 10));
    check_serving(ws);
    CHECK(ws.pongs_read() == 10);
  }
}

TEST_CASE("--control-frame-burst sets the control frame budget", "[bad_input][protocol]") {
  server_process server{{{"--control-frame-burst", "5"}, {"--control-frame-rate", "0.1"}}};
  raw_websocket ws{server.port()};
  skip_welcome(ws);
  ws.send(repeated(frame(opcode::ping, "a"), 5));
  check_serving(ws);
  CHECK(ws.pongs_read() == 5);
  ws.send(frame(opcode::ping, "one too many"));
  CHECK(ws.close_code(default_io_deadline) == 1008);
}
