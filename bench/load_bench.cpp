// Load on the real server over loopback: C connections, each sending N chat messages one
// after the other (send, wait for the reply), and, in the same run as the baseline, the
// same number of protocol pings. Prints throughput and latency percentiles of both, and
// their ratio. Bounded in count and time; talks to 127.0.0.1 only.
//
//   bench/run-load   (starts the server on a free port, runs this, stops the server)
#include <CLI/CLI.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/questions.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

using advisor::bench::questions;

struct result {
  std::vector<double> micros;
  double seconds = 0;
};

result run(const std::string& port, int connections, int per_connection, bool ping) {
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(connections));
  std::vector<std::thread> threads;
  const auto start = clock_type::now();
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      net::io_context ioc;
      tcp::resolver resolver{ioc};
      websocket::stream<tcp::socket> ws{ioc};
      net::connect(ws.next_layer(), resolver.resolve("127.0.0.1", port));
      ws.handshake("127.0.0.1", "/ws");
      beast::flat_buffer buffer;
      ws.read(buffer);  // welcome
      buffer.clear();
      auto& mine = latencies[static_cast<std::size_t>(c)];
      mine.reserve(static_cast<std::size_t>(per_connection));
      for (int i = 0; i < per_connection; ++i) {
        const auto frame =
            ping ? std::string{R"({"type":"ping"})"}
                 : nlohmann::json{{"type", "message"},
                                  {"text",
                                   questions[static_cast<std::size_t>(i + c) % questions.size()]}}
                       .dump();
        const auto t0 = clock_type::now();
        ws.write(net::buffer(frame));
        ws.read(buffer);
        mine.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
        buffer.clear();
      }
      ws.close(websocket::close_code::normal);
    });
  }
  for (auto& t : threads) t.join();
  result r;
  r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  for (auto& l : latencies) r.micros.insert(r.micros.end(), l.begin(), l.end());
  std::sort(r.micros.begin(), r.micros.end());
  return r;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

void print(const char* name, const result& r) {
  std::cout << name << ": " << r.micros.size() << " round trips in " << r.seconds
            << " s = " << static_cast<long>(static_cast<double>(r.micros.size()) / r.seconds)
            << "/s; latency us p50 " << percentile(r.micros, 0.5) << ", p90 "
            << percentile(r.micros, 0.9) << ", p99 " << percentile(r.micros, 0.99) << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  std::string port;
  int connections = 20;
  int messages = 500;
  CLI::App app{"load benchmark: chat messages against protocol pings, same run"};
  app.add_option("--port", port, "the server's port on 127.0.0.1")->required();
  app.add_option("--connections", connections)->check(CLI::Range(1, 500))->capture_default_str();
  app.add_option("--messages", messages, "per connection")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const auto baseline = run(port, connections, messages, true);
  const auto chat = run(port, connections, messages, false);
  print("baseline ping/pong", baseline);
  print("chat message/reply", chat);
  std::cout << "ratio of medians (chat / ping): "
            << percentile(chat.micros, 0.5) / percentile(baseline.micros, 0.5) << '\n';
  return 0;
}
