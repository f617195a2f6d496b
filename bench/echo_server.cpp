// The baseline for bench/run-compare: a bare Beast WebSocket echo server from the same Boost
// and the same build flags as advisor. It speaks just enough of the protocol for the load
// generator: a welcome frame after the upgrade, then one frame back (the same bytes) for
// every frame received. Beast's own echo example, with one strand per connection.
//
//   echo_server --port 0 [--threads N]   prints "listening on 127.0.0.1:PORT"
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <sys/resource.h>

#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "bench/open_files.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view welcome = R"({"type":"welcome","session":"echo","resumed":false})";

class echo_session : public std::enable_shared_from_this<echo_session> {
 public:
  explicit echo_session(tcp::socket&& socket) : ws_{std::move(socket)} {}

  void run() {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(16 * 1024);
    ws_.async_accept(beast::bind_front_handler(&echo_session::on_accept, shared_from_this()));
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    ws_.text(true);
    ws_.async_write(net::buffer(welcome),
                    beast::bind_front_handler(&echo_session::on_write, shared_from_this()));
  }
  void do_read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&echo_session::on_read, shared_from_this()));
  }
  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;
    ws_.text(ws_.got_text());
    ws_.async_write(buffer_.data(),
                    beast::bind_front_handler(&echo_session::on_write, shared_from_this()));
  }
  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return;
    buffer_.consume(buffer_.size());
    do_read();
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
};

class echo_listener : public std::enable_shared_from_this<echo_listener> {
 public:
  echo_listener(net::io_context& ioc, const tcp::endpoint& endpoint) : ioc_{ioc}, acceptor_{ioc} {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  void run() {
    acceptor_.async_accept(
        net::make_strand(ioc_),
        beast::bind_front_handler(&echo_listener::on_accept, shared_from_this()));
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      // As advisor does: a reply leaves at once instead of waiting behind Nagle's algorithm.
      beast::error_code option_ec;
      socket.set_option(tcp::no_delay{true}, option_ec);
      std::make_shared<echo_session>(std::move(socket))->run();
    }
    run();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
};

using advisor::bench::raise_open_files_limit;

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 0;
  int threads = 1;
  CLI::App app{"bare Beast WebSocket echo server: the baseline of bench/run-compare"};
  app.add_option("--port", port)->capture_default_str();
  app.add_option("--threads", threads)->check(CLI::Range(1, 256))->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  raise_open_files_limit();

  net::io_context ioc{threads};
  auto server =
      std::make_shared<echo_listener>(ioc, tcp::endpoint{net::ip::address_v4::loopback(), port});
  std::cout << "listening on 127.0.0.1:" << server->port() << std::endl;
  server->run();
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}
