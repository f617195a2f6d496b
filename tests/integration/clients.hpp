#pragma once
// Blocking clients for the integration tests: WebSocket (Beast), HTTP (Beast) and raw TCP.
// Every operation has a deadline; a server that does not answer makes the operation throw
// std::runtime_error (and so fails the test) instead of hanging it. Beast stays inside
// clients.cpp so the test files compile quickly.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace advisor::test {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr std::chrono::milliseconds default_io_deadline = 10s;

struct ws_options {
  std::string target = "/ws";                                // e.g. "/ws?session=..."
  std::optional<std::string> origin;                         // the Origin header, none when empty
  std::chrono::milliseconds deadline = default_io_deadline;  // per operation
  std::vector<std::pair<std::string, std::string>> headers;  // more upgrade request headers
};
inline ws_options ws_target(std::string target) {
  ws_options options;
  options.target = std::move(target);
  return options;
}
inline ws_options ws_origin(std::string origin) {
  ws_options options;
  options.origin = std::move(origin);
  return options;
}
inline ws_options ws_forwarded_for(std::string addresses) {
  ws_options options;
  options.headers.emplace_back("X-Forwarded-For", std::move(addresses));
  return options;
}

// How a connection ended from the client's side.
struct close_result {
  bool close_frame = false;       // the server sent a close frame (and the closing handshake ran)
  int code = 0;                   // the close frame's code, 0 without one
  std::string error;              // what ended the read otherwise ("timeout", "end of stream", ...)
  std::vector<std::string> data;  // data frames read before the end
};

class ws_client {
 public:
  // Connects to 127.0.0.1:port and completes the upgrade; throws when either fails.
  explicit ws_client(std::uint16_t port, ws_options options = {});
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;
  ws_client(ws_client&&) noexcept;
  ws_client& operator=(ws_client&&) noexcept;

  void send_text(std::string_view text);
  void send_json(const json& value);
  void send_binary(std::string_view bytes);
  // Bytes straight onto the socket, under the WebSocket layer (see client_frame()).
  void send_raw(std::string_view bytes);

  // The next data frame (text expected); throws on deadline, close or a binary frame.
  std::string read_text();
  // The next data frame parsed as JSON; throws when it is not JSON.
  json read_json();
  // Reads until the server ends the connection, collecting data frames on the way.
  close_result read_until_close();
  // Answers (automatically) the server's pings while reading; once `count` of them have
  // arrived, sends {"type":"ping"} and returns the next frame (the pong). Throws when the
  // connection ends or the deadline passes first.
  json read_after_server_pings(std::size_t count, std::chrono::milliseconds deadline);
  [[nodiscard]] std::size_t server_pings() const;

  // Starts the closing handshake with code 1000 and waits for its end.
  void close();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// The result of an upgrade attempt that may be refused.
struct handshake_result {
  bool upgraded = false;
  int status = 0;     // HTTP status of the server's answer to the upgrade request
  std::string error;  // why the upgrade failed, when it did
};
handshake_result try_handshake(std::uint16_t port, const ws_options& options);

struct http_response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  [[nodiscard]] std::string header(const std::string& lower_name) const;
};

// One request on a fresh connection. `target` is sent verbatim (no normalisation).
http_response http_request(std::uint16_t port, std::string_view method, std::string_view target,
                           std::string body = {}, std::string content_type = "application/json",
                           std::chrono::milliseconds deadline = default_io_deadline);

// A request with extra headers (e.g. Authorization), on a fresh connection.
struct http_options {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";  // sent with a body or a POST
  std::chrono::milliseconds deadline = default_io_deadline;
};
http_response http_send(std::uint16_t port, std::string_view method, std::string_view target,
                        const http_options& options);

// A masked client-to-server WebSocket frame (RFC 6455 section 5.2), built by hand so the
// tests can send what a well-behaved client library refuses to.
std::string client_frame(std::uint8_t opcode, std::string_view payload, bool fin = true);

// Opcodes of the server-to-client (unmasked) frames in `bytes`; an incomplete frame at the
// end is ignored.
std::vector<std::uint8_t> server_frame_opcodes(std::string_view bytes);

// A plain TCP connection.
class raw_client {
 public:
  explicit raw_client(std::uint16_t port);
  ~raw_client();
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;
  raw_client(raw_client&&) noexcept;
  raw_client& operator=(raw_client&&) noexcept;

  void write(std::string_view bytes);
  // Reads until `delimiter` has arrived; returns everything read. Throws on deadline/EOF.
  std::string read_until(std::string_view delimiter,
                         std::chrono::milliseconds deadline = default_io_deadline);

  struct until_closed {
    bool closed = false;  // the server closed the connection (end of stream or reset)
    std::string data;     // everything read before that (after read_until's part)
    std::string error;    // "timeout" or another error when not closed
  };
  // Reads (never writing) until the server closes the connection or the deadline passes.
  until_closed read_until_closed(std::chrono::milliseconds deadline);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// The upgrade request a browser would send, for raw clients.
std::string upgrade_request(std::uint16_t port, std::string_view target = "/ws");

}  // namespace advisor::test
