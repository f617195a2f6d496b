// The per-address cap on WebSockets (--max-connections-per-address, 429 before the upgrade)
// and the trusted proxies whose X-Forwarded-For names the client (--trusted-proxy), for that
// cap and for the POST /api/chat rate limit. The global cap (503) is in
// server_lifecycle_test.cpp.

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;

namespace {

int upgrade_status(std::uint16_t port, const std::string& forwarded_for = {}) {
  const auto options = forwarded_for.empty() ? ws_options{} : ws_forwarded_for(forwarded_for);
  const handshake_result result = try_handshake(port, options);
  if (result.upgraded) return 101;
  INFO(result.error);
  return result.status;
}

int chat_status(std::uint16_t port, const std::string& forwarded_for) {
  http_options options;
  options.headers.emplace_back("X-Forwarded-For", forwarded_for);
  options.body = json{{"text", "hello"}}.dump();
  return http_send(port, "POST", "/api/chat", options).status;
}

}  // namespace

TEST_CASE("past --max-connections-per-address an upgrade gets 429, before the upgrade",
          "[bad_input][server]") {
  server_process server{{{"--max-connections-per-address", "2"}}};
  ws_client first{server.port()};
  read_welcome(first);
  auto second = std::make_unique<ws_client>(server.port());
  read_welcome(*second);

  http_options upgrade;
  upgrade.headers = {{"Upgrade", "websocket"},
                     {"Connection", "Upgrade"},
                     {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                     {"Sec-WebSocket-Version", "13"}};
  const auto refused = http_send(server.port(), "GET", "/ws", upgrade);
  CHECK(refused.status == 429);
  CHECK(refused.header("retry-after") == "10");
  // Without a trusted proxy, X-Forwarded-For is the client's word and changes nothing.
  CHECK(upgrade_status(server.port(), "203.0.113.9") == 429);

  // Those admitted are served, plain HTTP is not capped, and a closed slot is given back.
  first.send_json({{"type", "ping"}});
  CHECK(first.read_json() == json{{"type", "pong"}});
  CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
  second->close();
  second.reset();
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  int status = 0;
  while ((status = upgrade_status(server.port())) != 101 &&
         std::chrono::steady_clock::now() < give_up) {
  }
  CHECK(status == 101);
}

TEST_CASE("behind a trusted proxy, the per-address cap counts the forwarded client",
          "[bad_input][server]") {
  server_process server{
      {{"--max-connections-per-address", "1"}, {"--trusted-proxy", "127.0.0.0/8"}}};
  ws_client held{server.port(), ws_forwarded_for("203.0.113.1")};
  read_welcome(held);

  CHECK(upgrade_status(server.port(), "203.0.113.1") == 429);
  CHECK(upgrade_status(server.port(), "203.0.113.2") == 101);
  // The rightmost address that is not a trusted proxy is the client.
  CHECK(upgrade_status(server.port(), "203.0.113.1, 127.0.0.9") == 429);
  // What a client writes to the left of its real address is not believed.
  CHECK(upgrade_status(server.port(), "203.0.113.1, 198.51.100.7") == 101);
  CHECK(upgrade_status(server.port(), "garbage") == 101);  // the proxy itself, 127.0.0.1
}

TEST_CASE("the POST /api/chat rate limit counts the forwarded client of a trusted proxy",
          "[bad_input][http]") {
  const flag_list one_message{{"--rate-limit", "0.01"}, {"--rate-burst", "1"}};
  SECTION("with --trusted-proxy, each forwarded client has its own allowance") {
    auto flags = one_message;
    flags.emplace_back("--trusted-proxy", "127.0.0.1");
    server_process server{flags};
    CHECK(chat_status(server.port(), "203.0.113.1") == 200);
    CHECK(chat_status(server.port(), "203.0.113.1") == 429);
    CHECK(chat_status(server.port(), "203.0.113.2") == 200);
    CHECK(chat_status(server.port(), "203.0.113.2, 203.0.113.1") == 429);
  }
  SECTION("without it, X-Forwarded-For changes nothing") {
    server_process server{one_message};
    CHECK(chat_status(server.port(), "203.0.113.1") == 200);
    CHECK(chat_status(server.port(), "203.0.113.2") == 429);
  }
}

TEST_CASE("a --trusted-proxy that is neither an address nor a network stops the start",
          "[server]") {
  const auto result = run_advisor({"--trusted-proxy", "10.0.0.0/33", "--port", "0"});
  CHECK(result.status.exited);
  CHECK(result.status.code != 0);
  CHECK(result.err.find("--trusted-proxy") != std::string::npos);
}
