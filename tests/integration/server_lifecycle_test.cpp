// The process and its connections: the listening line, graceful shutdown (1001, exit 0),
// the Origin allow-list (403), server pings and the idle, handshake and HTTP timeouts.

#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;

namespace {

constexpr std::uint8_t opcode_binary = 0x2;
constexpr std::uint8_t opcode_close = 0x8;
constexpr std::uint8_t opcode_ping = 0x9;

bool contains(const std::vector<std::uint8_t>& opcodes, std::uint8_t opcode) {
  return std::find(opcodes.begin(), opcodes.end(), opcode) != opcodes.end();
}

// A raw TCP connection that has completed the WebSocket upgrade and read the response head.
raw_client upgraded_raw_client(std::uint16_t port) {
  raw_client raw{port};
  raw.write(upgrade_request(port));
  const std::string head = raw.read_until("\r\n\r\n");
  INFO(head);
  REQUIRE(head.rfind("HTTP/1.1 101", 0) == 0);
  return raw;
}

}  // namespace

TEST_CASE("port 0 binds a free port and prints it", "[server]") {
  server_process server;
  CHECK(server.port() != 0);
  CHECK(server.listening_line() == "listening on 127.0.0.1:" + std::to_string(server.port()));
  CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("a graceful shutdown closes open clients with 1001 and exits 0", "[server]") {
  server_process server;
  ws_client first{server.port()};
  ws_client second{server.port()};
  read_welcome(first);
  read_welcome(second);

  int signal_number = SIGTERM;
  SECTION("SIGTERM") {
    signal_number = SIGTERM;
  }
  SECTION("SIGINT") {
    signal_number = SIGINT;
  }

  server.send_signal(signal_number);
  const close_result first_end = first.read_until_close();
  const close_result second_end = second.read_until_close();
  INFO("first: " << first_end.error << ", second: " << second_end.error);
  CHECK(first_end.close_frame);
  CHECK(first_end.code == 1001);
  CHECK(second_end.close_frame);
  CHECK(second_end.code == 1001);

  const auto status = server.wait_exit(20s);
  REQUIRE(status.has_value());
  CHECK(status->exited);
  CHECK(status->code == 0);
}

TEST_CASE("replies in flight at shutdown come before the 1001 close, in order", "[server]") {
  server_process server;
  ws_client client{server.port()};
  read_welcome(client);
  constexpr int count = 20;
  for (int i = 0; i < count; ++i) {
    client.send_json(message("hello", "f" + std::to_string(i)));
  }
  // The first reply proves the server is working through the batch.
  check_reply(client.read_json(), "f0");
  server.send_signal(SIGTERM);

  const close_result end = client.read_until_close();
  INFO("error: " << end.error);
  CHECK(end.close_frame);
  CHECK(end.code == 1001);
  // Whatever was answered is a gap-free, in-order continuation of the batch.
  for (std::size_t i = 0; i < end.data.size(); ++i) {
    const json frame = json::parse(end.data[i], nullptr, false);
    INFO(end.data[i]);
    CHECK(frame.value("type", "") == "reply");
    CHECK(frame.value("reply_to", "") == "f" + std::to_string(i + 1));
  }
  const auto status = server.wait_exit(20s);
  REQUIRE(status.has_value());
  CHECK(status->exited);
  CHECK(status->code == 0);
}

TEST_CASE("the Origin allow-list", "[server]") {
  SECTION("with --allow-origin") {
    server_process server{
        {{"--allow-origin", "https://good.example"}, {"--allow-origin", "https://also.example"}}};

    SECTION("a foreign Origin gets 403 and no upgrade") {
      const handshake_result result =
          try_handshake(server.port(), ws_origin("https://evil.example"));
      CHECK_FALSE(result.upgraded);
      CHECK(result.status == 403);
    }
    SECTION("a look-alike of an allowed Origin gets 403") {
      const handshake_result result =
          try_handshake(server.port(), ws_origin("https://good.example.evil.example"));
      CHECK_FALSE(result.upgraded);
      CHECK(result.status == 403);
    }
    SECTION("every allowed Origin is upgraded") {
      ws_client good{server.port(), ws_origin("https://good.example")};
      read_welcome(good);
      ws_client also{server.port(), ws_origin("https://also.example")};
      read_welcome(also);
    }
    SECTION("a request without Origin (not a browser) is upgraded") {
      ws_client client{server.port()};
      read_welcome(client);
    }
  }

  SECTION("without --allow-origin any Origin is upgraded, and the server says so") {
    server_process server;
    ws_client client{server.port(), ws_origin("https://anywhere.example")};
    read_welcome(client);
    CHECK(server.wait_for_output("origin", 5s));
  }
}

TEST_CASE("server pings keep live peers and drop silent ones", "[server]") {
  server_process server{{{"--idle-timeout", "2"}}};

  SECTION("a client that answers pings stays open past the idle timeout") {
    ws_client client{server.port()};
    read_welcome(client);
    // Three server pings take longer than the 2 s idle timeout; the client's automatic
    // pongs must keep the connection, and it must still answer afterwards.
    const json pong = client.read_after_server_pings(3, 30s);
    CHECK(pong == json{{"type", "pong"}});
    CHECK(client.server_pings() >= 3);
    client.send_json(message("hello", "alive"));
    check_reply(client.read_json(), "alive");
  }

  SECTION("a client that upgrades and then answers nothing is disconnected") {
    raw_client raw = upgraded_raw_client(server.port());
    const raw_client::until_closed end = raw.read_until_closed(30s);
    INFO("error: " << end.error);
    CHECK(end.closed);
    CHECK(contains(server_frame_opcodes(end.data), opcode_ping));
  }
}

TEST_CASE("a peer that never completes the closing handshake is dropped", "[server]") {
  server_process server{{{"--handshake-timeout", "1"}}};
  raw_client raw = upgraded_raw_client(server.port());
  raw.write(client_frame(opcode_binary, "x"));  // the server closes with 1003 ...
  const raw_client::until_closed end = raw.read_until_closed(20s);  // ... and we never answer
  INFO("error: " << end.error);
  CHECK(end.closed);
  CHECK(contains(server_frame_opcodes(end.data), opcode_close));
}

// Polls /metrics until no WebSocket connection is open (a deadline, no fixed sleep).
bool no_connection_left(std::uint16_t port, std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    const auto metrics = http_request(port, "GET", "/metrics");
    if (metrics.body.find("\nadvisor_websocket_connections 0\n") != std::string::npos) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

TEST_CASE("a peer that answers the close but never ends its side is dropped after the drain",
          "[server]") {
  server_process server;
  raw_client raw = upgraded_raw_client(server.port());
  raw.write(client_frame(opcode_binary, "x"));         // the server closes with 1003
  raw.read_until(std::string{"\x88\x02\x03\xeb", 4});  // its close frame, code 1003
  // The closing handshake completes and the server ends its side; it then reads until our
  // end of stream, which never comes: its teardown stops waiting after 5 seconds (the
  // closing handshake's own timeout, 30 seconds, is past this test's deadline).
  raw.write(client_frame(opcode_close, std::string{"\x03\xeb", 2}));
  const raw_client::until_closed end = raw.read_until_closed(20s);
  INFO("error: " << end.error);
  CHECK(end.closed);
  CHECK(no_connection_left(server.port(), 20s));
}

TEST_CASE("an HTTP request that never completes is closed after --http-timeout", "[server][http]") {
  server_process server{{{"--http-timeout", "1"}}};
  raw_client raw{server.port()};

  SECTION("a partial request head") {
    raw.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  }
  SECTION("a partial body") {
    raw.write(
        "POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n{\"text\":");
  }
  SECTION("nothing at all") {}

  const raw_client::until_closed end = raw.read_until_closed(20s);
  INFO("error: " << end.error << ", data: " << end.data);
  CHECK(end.closed);
}

TEST_CASE(
    "the connection cap: past --max-connections an upgrade gets 503, those admitted are served",
    "[server]") {
  server_process server{{{"--max-connections", "2"}}};
  ws_client first{server.port()};
  read_welcome(first);
  ws_client second{server.port()};
  read_welcome(second);

  const handshake_result refused = try_handshake(server.port(), ws_options{});
  CHECK_FALSE(refused.upgraded);
  CHECK(refused.status == 503);

  first.send_json({{"type", "ping"}});
  CHECK(first.read_json() == json{{"type", "pong"}});
  second.send_json({{"type", "ping"}});
  CHECK(second.read_json() == json{{"type", "pong"}});
  // Plain HTTP is not capped: health checks still answer.
  CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
}

namespace {

// How often `needle` occurs in `text`, ignoring case.
std::size_t count_ignoring_case(std::string text, std::string needle) {
  auto lower = [](std::string& s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  };
  lower(text);
  lower(needle);
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("out of file descriptors, the acceptor backs off and the open connections are served",
          "[server]") {
  // The server inherits a low open-files limit, which a burst of connections exhausts.
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
  rlimit low = saved;
  low.rlim_cur = 64;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  std::optional<server_process> server;
  try {
    server.emplace(flag_list{{"--threads", "1"}});
  } catch (...) {
    ::setrlimit(RLIMIT_NOFILE, &saved);
    throw;
  }
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);

  ws_client admitted{server->port()};
  read_welcome(admitted);
  std::vector<raw_client> idle;  // they connect and say nothing: each holds a descriptor
  for (int i = 0; i < 100; ++i) idle.emplace_back(server->port());
  REQUIRE(server->wait_for_output("too many open files", 10s));

  // While the descriptors stay exhausted, the connection already open is answered...
  for (int i = 0; i < 20; ++i) {
    admitted.send_json({{"type", "ping"}});
    REQUIRE(admitted.read_json() == json{{"type", "pong"}});
  }
  // ... and the acceptor said so once, instead of retrying (and logging) in a loop.
  CHECK(count_ignoring_case(server->output(), "too many open files") == 1);

  // Descriptors freed: new visitors get in again.
  idle.clear();
  ws_client later{server->port()};
  read_welcome(later);
}
