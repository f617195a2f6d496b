// The load generator of bench/run-compare: one thread, epoll, hand-written WebSocket client
// framing, so that it stays cheaper than the servers it drives. It speaks the protocol
// (docs/protocol.md): upgrade on /ws, wait for the welcome, then send
// {"type":"message","text":...,"id":...} frames and count one reply per message.
//
// Modes (one measurement per run, one key=value line on stdout):
//   closed  --connections C --depth K   each connection keeps K messages outstanding
//   open    --connections C --rate R    messages at fixed intended times, latency measured
//                                       from the intended time, so a stall is not hidden
//   idle    --connections C --pid P     RSS of process P grown per connection, each
//                                       connection idle after the welcome and one exchange
#include <CLI/CLI.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/open_files.hpp"
#include "bench/questions.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

using advisor::bench::questions;

constexpr std::string_view upgrade_request =
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

[[noreturn]] void die(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// A masked client text frame (RFC 6455 5.3) carrying `payload`, appended to `out`.
void append_frame(std::string& out, std::string_view payload, std::uint8_t opcode = 0x1) {
  constexpr std::uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
  out.push_back(static_cast<char>(0x80U | opcode));
  const auto n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80U | n));
  } else {
    out.push_back(static_cast<char>(0x80U | 126U));
    out.push_back(static_cast<char>((n >> 8U) & 0xffU));
    out.push_back(static_cast<char>(n & 0xffU));
  }
  out.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ key[i % 4]));
  }
}

struct connection {
  enum class state { connecting, upgrading, welcoming, ready, closed };
  int fd = -1;
  state at = state::connecting;
  std::string in;
  std::string out;
  std::size_t out_sent = 0;
  std::deque<clock_type::time_point> pending;  // send (or intended) time per outstanding message
  std::uint64_t next_id = 0;
  bool writing = true;  // EPOLLOUT is asked for (it is at connect)
};

struct options {
  std::string mode = "closed";
  int port = 0;
  int connections = 100;
  int depth = 1;
  double rate = 0;
  double seconds = 3;
  double warmup = 1;
  int sources = 8;
  int pid = 0;
};

class load {
 public:
  explicit load(options o) : o_{std::move(o)}, conns_(static_cast<std::size_t>(o_.connections)) {
    epoll_ = epoll_create1(0);
    if (epoll_ < 0) die("epoll_create1");
  }
  ~load() {
    for (auto& c : conns_) {
      if (c.fd >= 0) ::close(c.fd);
    }
    ::close(epoll_);
  }
  load(const load&) = delete;
  load& operator=(const load&) = delete;

  void connect_all();
  void closed_loop();
  void open_loop();
  void idle();

 private:
  void start_connect(std::size_t i);
  void poll(int timeout_ms);
  void on_event(std::size_t i, std::uint32_t events);
  void on_readable(connection& c);
  void on_frame(connection& c, std::uint8_t opcode, std::string_view payload);
  void send_message(connection& c, clock_type::time_point stamp);
  void flush(connection& c);
  void want_write(connection& c, bool on);
  void report_latencies(double seconds);

  options o_;
  std::vector<connection> conns_;
  int epoll_ = -1;
  std::size_t ready_ = 0;
  std::size_t replies_ = 0;
  std::size_t errors_ = 0;
  bool measuring_ = false;
  std::vector<std::uint32_t> latencies_ns_;
  std::vector<std::size_t> to_flush_;
};

void load::start_connect(std::size_t i) {
  auto& c = conns_[i];
  c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c.fd < 0) die("socket");
  int one = 1;
  setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // Several loopback source addresses: 19,000 connections stay far from the port range.
  setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  sockaddr_in source{};
  source.sin_family = AF_INET;
  source.sin_addr.s_addr =
      htonl(0x7f000001U + static_cast<std::uint32_t>(i) % static_cast<std::uint32_t>(o_.sources));
  if (::bind(c.fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) die("bind");
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<std::uint16_t>(o_.port));
  server.sin_addr.s_addr = htonl(0x7f000001U);
  if (::connect(c.fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0 &&
      errno != EINPROGRESS) {
    die("connect");
  }
  c.out.assign(upgrade_request);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.u64 = i;
  if (epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev) != 0) die("epoll_ctl");
}

void load::connect_all() {
  // A bounded number of handshakes in flight keeps the server's accept backlog from
  // overflowing (a dropped SYN costs a one-second retransmit).
  constexpr std::size_t in_flight = 256;
  std::size_t started = 0;
  const auto deadline = clock_type::now() + std::chrono::seconds{120};
  while (ready_ < conns_.size()) {
    while (started < conns_.size() && started - ready_ < in_flight) start_connect(started++);
    poll(10);
    if (clock_type::now() > deadline) throw std::runtime_error("connections not ready in time");
  }
}

void load::poll(int timeout_ms) {
  epoll_event events[256];
  const int n = epoll_wait(epoll_, events, 256, timeout_ms);
  if (n < 0 && errno != EINTR) die("epoll_wait");
  for (int k = 0; k < n; ++k) on_event(events[k].data.u64, events[k].events);
  for (const auto i : to_flush_) flush(conns_[i]);
  to_flush_.clear();
}

void load::on_event(std::size_t i, std::uint32_t events) {
  auto& c = conns_[i];
  if (c.at == connection::state::closed) return;
  if ((events & (EPOLLERR | EPOLLHUP)) != 0 && (events & EPOLLIN) == 0) {
    throw std::runtime_error("connection " + std::to_string(i) + " failed");
  }
  if ((events & EPOLLOUT) != 0) {
    if (c.at == connection::state::connecting) c.at = connection::state::upgrading;
    flush(c);
  }
  if ((events & EPOLLIN) != 0) {
    on_readable(c);
    to_flush_.push_back(i);
  }
}

void load::on_readable(connection& c) {
  char chunk[65536];
  for (;;) {
    const auto n = ::read(c.fd, chunk, sizeof chunk);
    if (n > 0) {
      c.in.append(chunk, static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < sizeof chunk) break;
      continue;
    }
    if (n == 0) throw std::runtime_error("the server closed a connection");
    if (errno == EAGAIN) break;
    die("read");
  }
  std::size_t at = 0;
  if (c.at == connection::state::upgrading) {
    const auto end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) return;
    if (c.in.compare(0, 12, "HTTP/1.1 101") != 0) {
      throw std::runtime_error("upgrade refused: " + c.in.substr(0, c.in.find('\r')));
    }
    c.at = connection::state::welcoming;
    at = end + 4;
  }
  // Server frames are unmasked; lengths up to 64 bits.
  while (c.in.size() - at >= 2) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(c.in.data() + at);
    const std::uint8_t opcode = p[0] & 0x0FU;
    std::uint64_t len = p[1] & 0x7FU;
    std::size_t header = 2;
    if (len == 126) {
      if (c.in.size() - at < 4) break;
      len = (std::uint64_t{p[2]} << 8U) | p[3];
      header = 4;
    } else if (len == 127) {
      if (c.in.size() - at < 10) break;
      len = 0;
      for (int b = 0; b < 8; ++b) len = (len << 8U) | p[2 + b];
      header = 10;
    }
    if (c.in.size() - at < header + len) break;
    on_frame(c, opcode, std::string_view{c.in.data() + at + header, static_cast<std::size_t>(len)});
    at += header + static_cast<std::size_t>(len);
  }
  c.in.erase(0, at);
}

void load::on_frame(connection& c, std::uint8_t opcode, std::string_view payload) {
  if (opcode == 0x9) return append_frame(c.out, payload, 0xA);  // ping: pong
  if (opcode == 0x8) {
    c.at = connection::state::closed;
    return;
  }
  if (c.at == connection::state::welcoming) {
    c.at = connection::state::ready;
    ++ready_;
    return;
  }
  if (c.pending.empty()) throw std::runtime_error("a frame nobody asked for");
  const auto now = clock_type::now();
  if (measuring_) {
    ++replies_;
    if (payload.substr(0, 16) == R"({"type":"error",)") ++errors_;
    latencies_ns_.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>(
        std::chrono::nanoseconds(now - c.pending.front()).count(), UINT32_MAX)));
  }
  c.pending.pop_front();
  if (o_.mode == "closed") send_message(c, now);
}

void load::send_message(connection& c, clock_type::time_point stamp) {
  const auto& text = questions[c.next_id % questions.size()];
  std::string frame = R"({"type":"message","text":")";
  frame += text;
  frame += R"(","id":")";
  frame += std::to_string(c.next_id++);
  frame += R"("})";
  append_frame(c.out, frame);
  c.pending.push_back(stamp);
}

void load::flush(connection& c) {
  if (c.at == connection::state::connecting) return;
  while (c.out_sent < c.out.size()) {
    const auto n = ::write(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent);
    if (n < 0) {
      if (errno == EAGAIN) break;
      die("write");
    }
    c.out_sent += static_cast<std::size_t>(n);
  }
  if (c.out_sent == c.out.size()) {
    c.out.clear();
    c.out_sent = 0;
  }
  want_write(c, !c.out.empty());
}

void load::want_write(connection& c, bool on) {
  if (c.writing == on) return;  // one epoll_ctl per change, not per message
  c.writing = on;
  epoll_event ev{};
  ev.events = EPOLLIN | (on ? EPOLLOUT : 0U);
  ev.data.u64 = static_cast<std::size_t>(&c - conns_.data());
  epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
}

void load::closed_loop() {
  for (std::size_t i = 0; i < conns_.size(); ++i) {
    for (int k = 0; k < o_.depth; ++k) send_message(conns_[i], clock_type::now());
    flush(conns_[i]);
  }
  const auto start = clock_type::now();
  const auto measure_from = start + std::chrono::duration<double>(o_.warmup);
  const auto until = measure_from + std::chrono::duration<double>(o_.seconds);
  clock_type::time_point measured_at{};
  for (auto now = start; now < until; now = clock_type::now()) {
    if (!measuring_ && now >= measure_from) {
      measuring_ = true;
      measured_at = now;
    }
    poll(10);
  }
  report_latencies(std::chrono::duration<double>(clock_type::now() - measured_at).count());
}

void load::open_loop() {
  // Intended send times every 1/rate, round robin over the connections. The loop spins
  // (epoll_wait with no timeout) so sends leave on time: this core does nothing else.
  const auto interval = std::chrono::duration<double>(1.0 / o_.rate);
  const auto start = clock_type::now();
  const auto measure_from = start + std::chrono::duration<double>(o_.warmup);
  const auto until = measure_from + std::chrono::duration<double>(o_.seconds);
  std::uint64_t k = 0;
  clock_type::time_point measured_at{};
  for (auto now = start; now < until; now = clock_type::now()) {
    if (!measuring_ && now >= measure_from) {
      measuring_ = true;
      measured_at = now;
    }
    for (;;) {
      const auto intended = start + std::chrono::duration_cast<clock_type::duration>(
                                        interval * static_cast<double>(k));
      if (intended > now) break;
      const auto i = static_cast<std::size_t>(k % conns_.size());
      send_message(conns_[i], intended);
      to_flush_.push_back(i);
      ++k;
    }
    poll(0);
  }
  report_latencies(std::chrono::duration<double>(clock_type::now() - measured_at).count());
}

long rss_kib(int pid) {
  std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  throw std::runtime_error("no VmRSS for pid " + std::to_string(pid));
}

void load::idle() {
  const long before = rss_kib(o_.pid);
  connect_all();
  measuring_ = true;
  for (auto& c : conns_) {
    send_message(c, clock_type::now());
    flush(c);
  }
  while (replies_ < conns_.size()) poll(100);
  // Let the server finish what follows the last reply (its write completions) before reading.
  for (int k = 0; k < 50; ++k) poll(10);
  const long after = rss_kib(o_.pid);
  std::printf("connections=%zu rss_before_kib=%ld rss_after_kib=%ld kib_per_connection=%.2f\n",
              conns_.size(), before, after,
              static_cast<double>(after - before) / static_cast<double>(conns_.size()));
}

void load::report_latencies(double seconds) {
  std::sort(latencies_ns_.begin(), latencies_ns_.end());
  auto pct = [&](double p) {
    if (latencies_ns_.empty()) return 0.0;
    const auto at = static_cast<std::size_t>(p * static_cast<double>(latencies_ns_.size() - 1));
    return latencies_ns_[at] / 1000.0;
  };
  std::printf(
      "replies=%zu errors=%zu seconds=%.3f replies_per_s=%.0f p50_us=%.1f p90_us=%.1f "
      "p99_us=%.1f max_us=%.1f\n",
      replies_, errors_, seconds, static_cast<double>(replies_) / seconds, pct(0.5), pct(0.9),
      pct(0.99), pct(1.0));
}

using advisor::bench::raise_open_files_limit;

}  // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"protocol load generator for bench/run-compare"};
  app.add_option("mode", o.mode)->check(CLI::IsMember({"closed", "open", "idle"}))->required();
  app.add_option("--port", o.port, "server port on 127.0.0.1")->required();
  app.add_option("--connections", o.connections)->check(CLI::Range(1, 100000));
  app.add_option("--depth", o.depth, "closed: messages outstanding per connection")
      ->check(CLI::Range(1, 64));
  app.add_option("--rate", o.rate, "open: messages per second, all connections together");
  app.add_option("--seconds", o.seconds, "measured time")->capture_default_str();
  app.add_option("--warmup", o.warmup, "unmeasured time first")->capture_default_str();
  app.add_option("--sources", o.sources, "loopback source addresses 127.0.0.1..N")
      ->check(CLI::Range(1, 250));
  app.add_option("--pid", o.pid, "idle: the server's process id");
  CLI11_PARSE(app, argc, argv);
  if (o.mode == "open" && o.rate <= 0) {
    std::cerr << "open needs --rate\n";
    return 2;
  }
  if (o.mode == "idle" && o.pid <= 0) {
    std::cerr << "idle needs --pid\n";
    return 2;
  }
  raise_open_files_limit();
  try {
    load run{o};
    if (o.mode == "idle") {
      run.idle();
    } else {
      run.connect_all();
      o.mode == "closed" ? run.closed_loop() : run.open_loop();
    }
  } catch (const std::exception& e) {
    std::cerr << "ws_load: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
