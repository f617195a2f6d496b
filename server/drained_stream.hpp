#pragma once
// The WebSocket's transport: a plain TCP socket (beast::tcp_stream's timers and state would
// cost every idle connection about half a kilobyte; the WebSocket stream keeps its own
// timeouts) with a WebSocket teardown that drains the socket until the peer's EOF.
//
// Beast 1.81's TCP teardown (websocket/impl/teardown.hpp, teardown_tcp_op) stops draining
// after its first successful read, since the byte count it tests is never set. A server
// that closes with 1009 while the client is still sending then closes a socket with unread
// data, the kernel answers with RST, and the client may never see the close frame.

#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <array>
#include <chrono>
#include <memory>

namespace advisor::server {

class drained_socket : public boost::asio::ip::tcp::socket {
 public:
  explicit drained_socket(boost::asio::ip::tcp::socket&& socket)
      : boost::asio::ip::tcp::socket{std::move(socket)} {}
};

namespace detail {

// What the drain needs beyond the operation: the buffer, and the deadline's timer, whose
// handler may run after the drain ended (it then finds `done` and leaves the socket alone).
struct drain_state {
  explicit drain_state(drained_socket& s) : socket{s}, timer{s.get_executor()} {}
  drained_socket& socket;
  boost::asio::steady_timer timer;
  std::array<char, 4096> buffer{};
  bool done = false;
  bool timed_out = false;
};

struct drain_op {
  // A peer that never closes its side is not waited for longer than this.
  static constexpr std::chrono::seconds drain_timeout{5};
  drained_socket& socket;
  boost::beast::role_type role;
  std::shared_ptr<drain_state> state = std::make_shared<drain_state>(socket);
  bool started = false;

  template <class Self>
  void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t = 0) {
    namespace net = boost::asio;
    if (!started) {
      started = true;
      if (role == boost::beast::role_type::server) {
        socket.shutdown(net::socket_base::shutdown_send, ec);
      }
      state->timer.expires_after(drain_timeout);
      state->timer.async_wait([state = state](boost::beast::error_code timer_ec) {
        if (timer_ec || state->done) return;
        state->timed_out = true;
        boost::beast::error_code ignored;
        state->socket.close(ignored);  // the pending read ends with an error
      });
    } else if (ec) {
      if (ec == net::error::eof) ec = {};
      if (state->timed_out) ec = boost::beast::error::timeout;
      state->done = true;
      state->timer.cancel();
      boost::beast::error_code ignored;
      socket.close(ignored);
      return self.complete(ec);
    }
    socket.async_read_some(net::buffer(state->buffer), std::move(self));
  }
};

}  // namespace detail

// Found by argument-dependent lookup from websocket::stream<drained_socket>.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, drained_socket& socket,
                    TeardownHandler&& handler) {
  boost::asio::async_compose<TeardownHandler, void(boost::beast::error_code)>(
      detail::drain_op{socket, role}, handler, socket);
}

inline void teardown(boost::beast::role_type role, drained_socket& socket,
                     boost::beast::error_code& ec) {
  boost::beast::websocket::teardown(role, static_cast<boost::asio::ip::tcp::socket&>(socket), ec);
}

}  // namespace advisor::server
