// batching_socket on its own, over a real loopback connection: what it keeps back, and what
// makes it send (the WebSocket-level behaviour is in integration_tests).

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <cstddef>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "server/batching_socket.hpp"

namespace net = boost::asio;
using advisor::server::batching_socket;
using tcp = net::ip::tcp;

namespace {

// A connected pair: `server` is the batching side, `client` a plain socket read blocking with
// a deadline, so a byte that never comes fails the test instead of hanging it.
struct connection {
  net::io_context ioc;
  tcp::socket client{ioc};
  std::optional<batching_socket> server;

  connection() {
    tcp::acceptor acceptor{ioc, {net::ip::address_v4::loopback(), 0}};
    client.connect(acceptor.local_endpoint());
    server.emplace(acceptor.accept());
    timeval deadline{5, 0};
    ::setsockopt(client.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &deadline, sizeof deadline);
  }

  // Writes through the batching socket and runs what is ready; the bytes the write reported.
  std::size_t write(const std::string& bytes) {
    std::optional<std::size_t> done;
    server->async_write_some(net::buffer(bytes), [&](boost::system::error_code ec, std::size_t n) {
      REQUIRE_FALSE(ec);
      done = n;
    });
    run_until([&] { return done.has_value(); });
    REQUIRE(done);
    return *done;
  }

  // An io_context that ran out of work stays stopped until restarted.
  template <class Done>
  void run_until(Done done) {
    ioc.restart();
    while (!done() && ioc.run_one() > 0) {
    }
  }

  std::string received(std::size_t size) {
    std::string bytes(size, '\0');
    boost::system::error_code ec;
    net::read(client, net::buffer(bytes), ec);
    REQUIRE_FALSE(ec);
    return bytes;
  }
};

}  // namespace

TEST_CASE("a write made while holding is kept, and leaves with the next one", "[server]") {
  connection c;
  c.server->hold_writes(true);
  CHECK(c.write("first,") == 6);  // complete for the writer
  CHECK(c.client.available() == 0);
  CHECK(c.write("second,") == 7);
  CHECK(c.client.available() == 0);
  c.server->hold_writes(false);
  CHECK(c.write("third") == 5);
  CHECK(c.received(18) == "first,second,third");
}

TEST_CASE("the read that waits on the socket sends what is held first", "[server]") {
  connection c;
  c.server->hold_writes(true);
  c.write("held reply");
  CHECK(c.client.available() == 0);
  std::array<char, 16> in{};
  std::optional<std::size_t> read;
  c.server->async_read_some(net::buffer(in), [&](boost::system::error_code ec, std::size_t n) {
    REQUIRE_FALSE(ec);
    read = n;
  });
  c.ioc.restart();
  c.ioc.poll();
  CHECK(c.received(10) == "held reply");
  CHECK_FALSE(read);
  net::write(c.client, net::buffer(std::string{"next"}));
  c.run_until([&] { return read.has_value(); });
  CHECK(read == 4u);
}

TEST_CASE("nothing is held while the socket is being read, or past the bound", "[server]") {
  connection c;
  c.server->hold_writes(true);
  SECTION("a read waits: the input in hand is used up, the write goes out") {
    std::array<char, 16> in{};
    c.server->async_read_some(net::buffer(in), [](boost::system::error_code, std::size_t) {});
    c.ioc.restart();
    c.ioc.poll();
    c.write("pong");
    CHECK(c.received(4) == "pong");
  }
  SECTION("a write that would hold more than max_held_bytes sends it all") {
    const std::string big(batching_socket::max_held_bytes - 10, 'a');
    c.write(big);
    CHECK(c.client.available() == 0);
    c.write("0123456789+");  // one byte over
    CHECK(c.received(big.size() + 11) == big + "0123456789+");
  }
}
