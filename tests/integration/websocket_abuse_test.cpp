// Frame-level abuse against the real binary (issue 8), spoken with a raw WebSocket client:
// floods of pings and pongs, messages of endless fragments, fragments that trickle in.
// Each ends with a close code the client can read, and a well-behaved peer is not affected.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
    CHECK(ws.close_code(default_io_deadline).value_or(-1) == 1008);
    // Some were answered before the budget ran out, far from all of them.
    CHECK(ws.pongs_read() < 2000);
  }
  SECTION("unsolicited pongs") {
    ws.send(repeated(frame(opcode::pong, "flood"), 2000));
    CHECK(ws.close_code(default_io_deadline).value_or(-1) == 1008);
  }
  SECTION("pings within the budget are answered and the connection serves") {
    ws.send(repeated(frame(opcode::ping, "ok"), 10));
    check_serving(ws);
    CHECK(ws.pongs_read() == 10);
  }
}

TEST_CASE("the control frame budget is set by --control-frame-burst", "[bad_input][protocol]") {
  server_process server{{{"--control-frame-burst", "5"}, {"--control-frame-rate", "0.1"}}};
  raw_websocket ws{server.port()};
  skip_welcome(ws);
  ws.send(repeated(frame(opcode::ping, "a"), 5));
  check_serving(ws);
  CHECK(ws.pongs_read() == 5);
  ws.send(frame(opcode::ping, "one too many"));
  CHECK(ws.close_code(default_io_deadline).value_or(-1) == 1008);
}

TEST_CASE("a message of more fragments than --max-fragments closes with 1009",
          "[bad_input][protocol]") {
  server_process server{{{"--max-fragments", "16"}}};
  raw_websocket ws{server.port()};
  skip_welcome(ws);

  SECTION("endless empty continuation frames") {
    ws.send(frame(opcode::text, "", false));
    ws.send(repeated(frame(opcode::continuation, "", false), 5000));
    CHECK(ws.close_code(default_io_deadline).value_or(-1) == 1009);
  }
  SECTION("one byte a frame") {
    ws.send(frame(opcode::text, "{", false));
    ws.send(repeated(frame(opcode::continuation, " ", false), 100));
    CHECK(ws.close_code(default_io_deadline).value_or(-1) == 1009);
  }
  SECTION("a message of exactly 16 fragments is answered") {
    ws.send(frame(opcode::text, "{", false));
    ws.send(repeated(frame(opcode::continuation, "", false), 14));
    ws.send(frame(opcode::continuation, R"("type":"ping"})", true));
    check_serving(ws);  // the fragmented ping's pong, then another
    check_serving(ws);
  }
}

TEST_CASE("a message still incomplete at --message-timeout closes with 1008",
          "[bad_input][protocol]") {
  // A fragment every 300 ms: the idle timeout never fires (before the message deadline,
  // such a connection lived as long as the fragments came).
  server_process server{{{"--idle-timeout", "4"}, {"--message-timeout", "2"}}};
  raw_websocket ws{server.port()};
  skip_welcome(ws);
  REQUIRE(ws.send(frame(opcode::text, "{", false)));
  std::optional<int> code;
  const auto give_up = std::chrono::steady_clock::now() + 20s;
  while (!code && !ws.ended() && std::chrono::steady_clock::now() < give_up) {
    ws.send(frame(opcode::continuation, " ", false));  // fails once the server has gone
    code = ws.close_code(300ms);                       // paces the fragments as well
  }
  CHECK(code.value_or(-1) == 1008);
}

TEST_CASE("complete messages and answered pings are not limited by the message deadline",
          "[bad_input][protocol]") {
  // A live peer that only answers the server's pings, across several message timeouts.
  server_process server{{{"--idle-timeout", "2"}, {"--message-timeout", "1"}}};
  ws_client client{server.port()};
  read_welcome(client);
  const json pong = client.read_after_server_pings(3, 20s);
  CHECK(pong == json{{"type", "pong"}});
  check_still_serving(client, "after");
}

namespace {

// A frame with a hand-set first byte (FIN, RSV bits, opcode), masked, payload < 126 bytes.
std::string frame_with_first_byte(unsigned char first, std::string_view payload) {
  std::string bytes = frame(opcode::text, payload);
  bytes[0] = static_cast<char>(first);
  return bytes;
}

// An unmasked client frame: forbidden by RFC 6455 section 5.1.
std::string unmasked_frame(std::uint8_t code, std::string_view payload) {
  std::string bytes;
  bytes += static_cast<char>(0x80 | code);
  bytes += static_cast<char>(payload.size());
  bytes += payload;
  return bytes;
}

std::string close_payload(int code, std::string_view reason = {}) {
  std::string payload;
  payload += static_cast<char>((code >> 8) & 0xff);
  payload += static_cast<char>(code & 0xff);
  payload += reason;
  return payload;
}

struct violation {
  std::string name;
  std::string bytes;
  int code;  // the close code expected
};

std::vector<violation> rfc6455_violations() {
  std::string huge_length = frame(opcode::text, "");  // a 64-bit length with its top bit set
  huge_length[1] = static_cast<char>(0x80 | 127);
  huge_length.insert(2, std::string{"\x80\0\0\0\0\0\0\x01", 8});
  std::string non_canonical = frame(opcode::text, "");  // length 0 in the 16-bit form
  non_canonical[1] = static_cast<char>(0x80 | 126);
  non_canonical.insert(2, std::string{"\0\0", 2});
  return {
      {"an unmasked frame", unmasked_frame(opcode::text, R"({"type":"ping"})"), 1002},
      {"RSV1 set without an extension", frame_with_first_byte(0xC1, R"({"type":"ping"})"), 1002},
      {"RSV3 set", frame_with_first_byte(0x91, R"({"type":"ping"})"), 1002},
      {"reserved data opcode 3", frame_with_first_byte(0x83, "x"), 1002},
      {"reserved control opcode 11", frame_with_first_byte(0x8B, "x"), 1002},
      {"a ping of 126 bytes", frame(opcode::ping, std::string(126, 'p')), 1002},
      {"a fragmented ping", frame(opcode::ping, "p", false), 1002},
      {"a continuation with no message begun", frame(opcode::continuation, "x"), 1002},
      {"a new text frame inside a fragmented message",
       frame(opcode::text, "{", false) + frame(opcode::text, "}"), 1002},
      // Beast does not test the top bit itself: such a length is over any frame limit.
      {"a 64-bit length with the top bit set", huge_length, 1009},
      {"a 16-bit length that would fit in 7 bits", non_canonical, 1002},
      {"a close frame of one byte", frame(opcode::close, "x"), 1002},
      {"a close code that may not be sent (1005)", frame(opcode::close, close_payload(1005)), 1002},
      {"a close code out of range (999)", frame(opcode::close, close_payload(999)), 1002},
      {"a reserved close code (1016)", frame(opcode::close, close_payload(1016)), 1002},
      {"a reserved close code (2999)", frame(opcode::close, close_payload(2999)), 1002},
  };
}

}  // namespace

TEST_CASE("frames that break RFC 6455 close with 1002", "[bad_input][protocol]") {
  server_process server;
  for (const auto& bad : rfc6455_violations()) {
    INFO(bad.name);
    raw_websocket ws{server.port()};
    skip_welcome(ws);
    ws.send(bad.bytes);
    CHECK(ws.close_code(default_io_deadline).value_or(-1) == bad.code);
  }
  // The same server still serves others afterwards.
  raw_websocket ws{server.port()};
  skip_welcome(ws);
  check_serving(ws);
}

TEST_CASE("a close frame whose reason is not UTF-8 is refused", "[bad_input][protocol]") {
  server_process server;
  raw_websocket ws{server.port()};
  skip_welcome(ws);
  ws.send(frame(opcode::close, close_payload(1000, "\xC3\x28")));
  const auto code = ws.close_code(default_io_deadline);
  REQUIRE(code);
  CHECK((*code == 1002 || *code == 1007));
}

TEST_CASE("a clean close is answered with the same code", "[bad_input][protocol]") {
  server_process server;
  raw_websocket ws{server.port()};
  skip_welcome(ws);
  SECTION("1000") {
    ws.send(frame(opcode::close, close_payload(1000, "bye")));
    CHECK(ws.close_code(default_io_deadline).value_or(-1) == 1000);
  }
  SECTION("no code at all") {
    ws.send(frame(opcode::close, ""));
    const auto code = ws.close_code(default_io_deadline);
    REQUIRE(code);
    CHECK((*code == 0 || *code == 1000));
  }
}
