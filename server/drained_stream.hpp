#pragma once
// beast::tcp_stream with a WebSocket teardown that drains the socket until the peer's EOF.
//
// Beast 1.81's TCP teardown (websocket/impl/teardown.hpp, teardown_tcp_op) stops draining
// after its first successful read, since the byte count it tests is never set. A server
// that closes with 1009 while the client is still sending then closes a socket with unread
// data, the kernel answers with RST, and the client may never see the close frame.

#include <boost/asio/compose.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <array>
#include <chrono>
#include <memory>

namespace advisor::server {

class drained_tcp_stream : public boost::beast::tcp_stream {
 public:
  using boost::beast::tcp_stream::tcp_stream;
  explicit drained_tcp_stream(boost::beast::tcp_stream&& stream)
      : boost::beast::tcp_stream{std::move(stream)} {}
};

namespace detail {

struct drain_op {
  // A peer that never closes its side is not waited for longer than this.
  static constexpr std::chrono::seconds drain_timeout{5};
  drained_tcp_stream& stream;
  boost::beast::role_type role;
  std::unique_ptr<std::array<char, 4096>> buffer = std::make_unique<std::array<char, 4096>>();
  bool started = false;

  template <class Self>
  void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t = 0) {
    namespace net = boost::asio;
    if (!started) {
      started = true;
      if (role == boost::beast::role_type::server) {
        stream.socket().shutdown(net::socket_base::shutdown_send, ec);
      }
      stream.expires_after(drain_timeout);
    } else if (ec) {
      if (ec == net::error::eof) ec = {};
      boost::beast::error_code ignored;
      stream.socket().close(ignored);
      return self.complete(ec);
    }
    stream.async_read_some(net::buffer(*buffer), std::move(self));
  }
};

}  // namespace detail

// Found by argument-dependent lookup from websocket::stream<drained_tcp_stream>.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, drained_tcp_stream& stream,
                    TeardownHandler&& handler) {
  boost::asio::async_compose<TeardownHandler, void(boost::beast::error_code)>(
      detail::drain_op{stream, role}, handler, stream);
}

inline void teardown(boost::beast::role_type role, drained_tcp_stream& stream,
                     boost::beast::error_code& ec) {
  boost::beast::websocket::teardown(role, stream.socket(), ec);
}

}  // namespace advisor::server
