// Every row of the protocol's closing table that a client can cause: frame limit (1009),
// invalid UTF-8 (1007), binary frames (1003), repeated rate-limit violations (1008).
// Shutdown (1001) and the Origin check are in server_lifecycle_test.cpp.

#include <string>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;

namespace {

constexpr std::uint8_t opcode_continuation = 0x0;
constexpr std::uint8_t opcode_text = 0x1;

// A `message` frame of exactly `size` bytes (its text is padded with 'a').
std::string message_frame_of_size(std::size_t size, const std::string& id) {
  const std::string head = R"({"type":"message","id":")" + id + R"(","text":")";
  const std::string tail = R"("})";
  REQUIRE(size > head.size() + tail.size());
  return head + std::string(size - head.size() - tail.size(), 'a') + tail;
}

void check_closed_with(const close_result& result, int code) {
  INFO("error: " << result.error << ", data frames: " << result.data.size());
  CHECK(result.close_frame);
  CHECK(result.code == code);
}

}  // namespace

TEST_CASE("a frame over the frame limit closes with 1009", "[protocol]") {
  SECTION("the default limit is 16 KiB") {
    server_process server;
    ws_client client{server.port()};
    read_welcome(client);

    SECTION("a frame of 16384 bytes is read (and its text is too long)") {
      client.send_text(message_frame_of_size(16384, "edge"));
      check_error(client.read_json(), "too_long", "edge");
      client.send_json(message("hello", "after"));
      check_reply(client.read_json(), "after");
    }
    SECTION("a frame of 16385 bytes closes the connection") {
      client.send_text(message_frame_of_size(16385, "over"));
      check_closed_with(client.read_until_close(), 1009);
    }
    SECTION("a message of two fragments over the limit together closes the connection") {
      const std::string frame = message_frame_of_size(20000, "frag");
      client.send_raw(client_frame(opcode_text, frame.substr(0, 10000), false));
      client.send_raw(client_frame(opcode_continuation, frame.substr(10000), true));
      check_closed_with(client.read_until_close(), 1009);
    }
  }

  SECTION("--max-frame-bytes sets the limit") {
    server_process server{{{"--max-frame-bytes", "1024"}}};
    ws_client client{server.port()};
    read_welcome(client);

    SECTION("a frame of 1024 bytes is answered") {
      client.send_text(message_frame_of_size(1024, "edge"));
      check_reply(client.read_json(), "edge");
    }
    SECTION("a frame of 1025 bytes closes the connection") {
      client.send_text(message_frame_of_size(1025, "over"));
      check_closed_with(client.read_until_close(), 1009);
    }
  }
}

TEST_CASE("invalid UTF-8 in a text frame closes with 1007", "[protocol]") {
  server_process server;
  ws_client client{server.port()};
  read_welcome(client);

  SECTION("bytes that are never UTF-8") {
    client.send_raw(client_frame(opcode_text, "\xff\xfe\xfd"));
    check_closed_with(client.read_until_close(), 1007);
  }
  SECTION("a broken sequence inside a well-formed message") {
    client.send_raw(client_frame(opcode_text, "{\"type\":\"message\",\"text\":\"caf\xc3\x28\"}"));
    check_closed_with(client.read_until_close(), 1007);
  }
  SECTION("an overlong encoding") {
    client.send_raw(client_frame(opcode_text, "{\"type\":\"message\",\"text\":\"\xc0\xaf\"}"));
    check_closed_with(client.read_until_close(), 1007);
  }
  SECTION("the same frames as valid UTF-8 are answered (control case)") {
    client.send_raw(client_frame(opcode_text, "{\"type\":\"message\",\"text\":\"caf\xc3\xa9\"}"));
    check_reply(client.read_json(), "");
  }
}

TEST_CASE("a binary frame closes with 1003", "[protocol]") {
  server_process server;
  ws_client client{server.port()};
  read_welcome(client);
  client.send_binary(R"({"type":"ping"})");
  const close_result result = client.read_until_close();
  check_closed_with(result, 1003);
  CHECK(result.data.empty());
}

TEST_CASE("exceeding the rate limit again after rate_limited closes with 1008", "[protocol]") {
  // A bucket of 3 that refills at 1 per second: the test sends far faster than that.
  server_process server{{{"--rate-limit", "1"}, {"--rate-burst", "3"}}};
  ws_client client{server.port()};
  read_welcome(client);

  for (int i = 0; i < 3; ++i) {
    const std::string id = "b" + std::to_string(i);
    client.send_json(message("hello", id));
    check_reply(client.read_json(), id);
  }
  client.send_json(message("hello", "over-1"));
  check_error(client.read_json(), "rate_limited", "over-1");

  client.send_json(message("hello", "over-2"));
  const close_result result = client.read_until_close();
  check_closed_with(result, 1008);
  for (const auto& frame : result.data) {
    INFO(frame);
    CHECK(frame.find("\"reply\"") == std::string::npos);
  }
}
