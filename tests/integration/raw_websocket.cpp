#include "tests/integration/raw_websocket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "tests/integration/clients.hpp"

namespace advisor::test {

namespace {

using clock = std::chrono::steady_clock;

int remaining_ms(clock::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Parses one unmasked server frame from the front of `bytes`; nullopt when incomplete.
std::optional<std::pair<server_frame, std::size_t>> parse_frame(std::string_view bytes) {
  if (bytes.size() < 2) return std::nullopt;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  server_frame frame;
  frame.fin = (byte(0) & 0x80) != 0;
  frame.opcode = byte(0) & 0x0f;
  std::uint64_t length = byte(1) & 0x7f;
  std::size_t header = 2;
  if (length == 126 || length == 127) {
    const std::size_t extra = length == 126 ? 2 : 8;
    if (bytes.size() < 2 + extra) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < extra; ++i) length = (length << 8) | byte(2 + i);
    header += extra;
  }
  if (bytes.size() < header + length) return std::nullopt;
  frame.payload = std::string{bytes.substr(header, static_cast<std::size_t>(length))};
  return std::pair{std::move(frame), header + static_cast<std::size_t>(length)};
}

}  // namespace

int server_frame::close_code() const {
  if (payload.size() < 2) return 0;
  return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
}

std::string frame(std::uint8_t opcode, std::string_view payload, bool fin) {
  return client_frame(opcode, payload, fin);
}

raw_websocket::raw_websocket(std::uint16_t port, std::string_view target,
                             const std::vector<std::pair<std::string, std::string>>& headers) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
  }
  std::string request = upgrade_request(port, target);
  request.erase(request.size() - 2);  // the blank line goes after the extra headers
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n";
  if (!send(request)) throw std::runtime_error("writing the upgrade request failed");
  const auto until = clock::now() + default_io_deadline;
  std::size_t end = std::string::npos;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(until)) throw std::runtime_error("no answer to the upgrade: " + pending_);
  }
  const auto space = pending_.find(' ');
  status_ = space == std::string::npos ? 0 : std::atoi(pending_.c_str() + space + 1);
  pending_.erase(0, end + 4);
}

raw_websocket::~raw_websocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool raw_websocket::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool raw_websocket::fill(clock::time_point until) {
  if (ended_) return false;
  pollfd ready{fd_, POLLIN, 0};
  const int polled = ::poll(&ready, 1, remaining_ms(until));
  if (polled <= 0) return false;  // the deadline passed (or poll failed): nothing new
  char chunk[16 * 1024];
  const auto got = ::recv(fd_, chunk, sizeof chunk, 0);
  if (got <= 0) {
    ended_ = true;  // end of stream or reset
    return false;
  }
  pending_.append(chunk, static_cast<std::size_t>(got));
  return true;
}

std::optional<server_frame> raw_websocket::next_frame(std::chrono::milliseconds deadline) {
  const auto until = clock::now() + deadline;
  for (;;) {
    if (auto parsed = parse_frame(pending_)) {
      pending_.erase(0, parsed->second);
      ++frames_read_;
      if (parsed->first.opcode == opcode::pong) ++pongs_read_;
      return std::move(parsed->first);
    }
    if (!fill(until)) return std::nullopt;
  }
}

std::optional<int> raw_websocket::close_code(std::chrono::milliseconds deadline) {
  const auto until = clock::now() + deadline;
  while (auto next = next_frame(std::chrono::milliseconds{remaining_ms(until)})) {
    if (next->opcode == opcode::close) return next->close_code();
  }
  return std::nullopt;
}

}  // namespace advisor::test
