#pragma once
// A WebSocket client that speaks the wire by hand (plain TCP, hand-built masked frames), so
// a test can send what a well-behaved client library refuses to: floods of control frames,
// endless fragments, reserved opcodes. It reads the server's frames one by one, each read
// bounded by a deadline, and a deadline passing leaves the connection usable.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace advisor::test {

struct server_frame {
  std::uint8_t opcode = 0;
  bool fin = true;
  std::string payload;
  // A close frame's code (0 when the close frame has none).
  [[nodiscard]] int close_code() const;
};

class raw_websocket {
 public:
  // Connects to 127.0.0.1:port, sends the upgrade request (with `headers` added) and reads
  // the answer's head; `status()` tells whether the upgrade happened (101).
  explicit raw_websocket(std::uint16_t port, std::string_view target = "/ws",
                         const std::vector<std::pair<std::string, std::string>>& headers = {});
  ~raw_websocket();
  raw_websocket(const raw_websocket&) = delete;
  raw_websocket& operator=(const raw_websocket&) = delete;

  [[nodiscard]] int status() const { return status_; }

  // Writes bytes as they are; false when the server has closed or reset the connection.
  bool send(std::string_view bytes);

  // The next frame from the server, or nullopt when none arrives within `deadline` or the
  // connection has ended (see `ended()`).
  std::optional<server_frame> next_frame(std::chrono::milliseconds deadline);

  // Reads until a close frame arrives and returns its code; nullopt when the deadline passes
  // or the connection ends without one. Data and pong frames on the way are counted.
  std::optional<int> close_code(std::chrono::milliseconds deadline);

  [[nodiscard]] bool ended() const { return ended_; }
  [[nodiscard]] std::size_t frames_read() const { return frames_read_; }
  [[nodiscard]] std::size_t pongs_read() const { return pongs_read_; }

 private:
  bool fill(std::chrono::steady_clock::time_point until);  // reads more bytes into pending_

  int fd_ = -1;
  int status_ = 0;
  bool ended_ = false;
  std::string pending_;
  std::size_t frames_read_ = 0;
  std::size_t pongs_read_ = 0;
};

// A masked client frame (see client_frame in clients.hpp), under a shorter name here.
std::string frame(std::uint8_t opcode, std::string_view payload, bool fin = true);

namespace opcode {
constexpr std::uint8_t continuation = 0x0;
constexpr std::uint8_t text = 0x1;
constexpr std::uint8_t binary = 0x2;
constexpr std::uint8_t close = 0x8;
constexpr std::uint8_t ping = 0x9;
constexpr std::uint8_t pong = 0xA;
}  // namespace opcode

}  // namespace advisor::test
