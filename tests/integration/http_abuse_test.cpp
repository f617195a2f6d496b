// Bad handshakes and HTTP requests against the real binary (issue 8): each gets a clear
// status and no upgrade, the server keeps serving.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;

namespace {

// The status code of the first answer to `request`, sent as is on a fresh connection.
int raw_status(std::uint16_t port, const std::string& request) {
  raw_client raw{port};
  raw.write(request);
  const std::string head = raw.read_until("\r\n\r\n");
  INFO(head);
  REQUIRE(head.rfind("HTTP/1.1 ", 0) == 0);
  return std::stoi(head.substr(9, 3));
}

std::string upgrade_with(std::uint16_t port, const std::string& version, const std::string& key) {
  std::string request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  if (!key.empty()) request += "Sec-WebSocket-Key: " + key + "\r\n";
  if (!version.empty()) request += "Sec-WebSocket-Version: " + version + "\r\n";
  return request + "\r\n";
}

}  // namespace

TEST_CASE("a broken WebSocket handshake is refused with no upgrade", "[bad_input][http]") {
  server_process server;
  const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  SECTION("an unsupported Sec-WebSocket-Version is 426") {
    CHECK(raw_status(server.port(), upgrade_with(server.port(), "8", key)) == 426);
  }
  SECTION("no Sec-WebSocket-Version is 400") {
    CHECK(raw_status(server.port(), upgrade_with(server.port(), "", key)) == 400);
  }
  SECTION("no Sec-WebSocket-Key is 400") {
    CHECK(raw_status(server.port(), upgrade_with(server.port(), "13", "")) == 400);
  }
  SECTION("a Sec-WebSocket-Key that is not 16 bytes in base64 is 400") {
    CHECK(raw_status(server.port(), upgrade_with(server.port(), "13", "c2hvcnQ=")) == 400);
    CHECK(raw_status(server.port(), upgrade_with(server.port(), "13", std::string(24, '!'))) ==
          400);
    CHECK(raw_status(server.port(),
                     upgrade_with(server.port(), "13", "dGhlIHNhbXBsZSBub25jZQ==AAAA")) == 400);
  }
  SECTION("a plain GET of /ws is 426") {
    CHECK(http_request(server.port(), "GET", "/ws").status == 426);
  }
  SECTION("an upgrade to another path is 404") {
    CHECK_FALSE(try_handshake(server.port(), ws_target("/chat")).upgraded);
    CHECK(try_handshake(server.port(), ws_target("/chat")).status == 404);
  }
  // Whatever was refused, a good upgrade still works.
  CHECK(try_handshake(server.port(), ws_options{}).upgraded);
}

TEST_CASE("malformed or oversized HTTP requests get 400, 413 or 431", "[bad_input][http]") {
  server_process server;
  const auto port = server.port();
  const std::string host = "Host: 127.0.0.1\r\n";
  SECTION("a request line that is not HTTP is 400") {
    CHECK(raw_status(port, "HELLO\r\n\r\n") == 400);
  }
  SECTION("an unknown HTTP version is 400") {
    CHECK(raw_status(port, "GET / HTTP/9.9\r\n" + host + "\r\n") == 400);
  }
  SECTION("a header line without a colon is 400") {
    CHECK(raw_status(port, "GET / HTTP/1.1\r\n" + host + "no colon here\r\n\r\n") == 400);
  }
  SECTION("a Content-Length that is not a number is 400") {
    CHECK(raw_status(port, "POST /api/chat HTTP/1.1\r\n" + host + "Content-Length: ten\r\n\r\n") ==
          400);
  }
  SECTION("two different Content-Lengths are 400") {
    CHECK(raw_status(port, "POST /api/chat HTTP/1.1\r\n" + host +
                               "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}") == 400);
  }
  SECTION("a bad chunk size is 400") {
    CHECK(raw_status(port, "POST /api/chat HTTP/1.1\r\n" + host +
                               "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n") == 400);
  }
  SECTION("a body over 64 KiB is 413") {
    const auto response = http_request(port, "POST", "/api/chat",
                                       R"({"text":")" + std::string(70 * 1024, 'a') + R"("})");
    CHECK(response.status == 413);
  }
  SECTION("a request head over 16 KiB is 431") {
    CHECK(raw_status(port, "GET / HTTP/1.1\r\n" + host + "X-Big: " + std::string(20 * 1024, 'b') +
                               "\r\n\r\n") == 431);
  }
  SECTION("a method the path does not take is 405") {
    CHECK(http_request(port, "DELETE", "/widget.js").status == 405);
    CHECK(http_request(port, "GET", "/api/chat").status == 405);
  }
  CHECK(http_request(port, "GET", "/healthz").status == 200);
}
