#pragma once
// The WebSocket's next layer: a drained_tcp_stream whose reads also pass the bytes read to
// a frame_header_reader, so the session sees every frame the client sends, the empty
// fragments Beast consumes silently included (see message_guard.hpp).

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/beast/core/error.hpp>

#include <algorithm>
#include <functional>
#include <utility>

#include "server/drained_stream.hpp"
#include "server/frame_header_reader.hpp"

namespace advisor::server {

class metered_tcp_stream : public drained_tcp_stream {
 public:
  using frame_callback = std::function<void(const frame_header&)>;

  explicit metered_tcp_stream(boost::beast::tcp_stream&& stream)
      : drained_tcp_stream{std::move(stream)} {}

  // Called, on the reading strand, for each frame header read; none before this is set.
  void on_frame(frame_callback callback) { on_frame_ = std::move(callback); }

  // Hides tcp_stream's: websocket::stream reads its next layer through this.
  template <class MutableBuffers, class ReadHandler>
  auto async_read_some(const MutableBuffers& buffers, ReadHandler&& handler) {
    return boost::asio::async_compose<ReadHandler, void(boost::beast::error_code, std::size_t)>(
        read_op<MutableBuffers>{*this, buffers}, handler, *this);
  }

 private:
  template <class MutableBuffers>
  struct read_op {
    metered_tcp_stream& stream;
    MutableBuffers buffers;
    bool started = false;

    template <class Self>
    void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t bytes = 0) {
      if (!started) {
        started = true;
        return stream.drained_tcp_stream::async_read_some(buffers, std::move(self));
      }
      stream.observe(buffers, bytes);
      self.complete(ec, bytes);
    }
  };

  template <class MutableBuffers>
  void observe(const MutableBuffers& buffers, std::size_t bytes) {
    if (!on_frame_) return;
    namespace net = boost::asio;
    for (auto it = net::buffer_sequence_begin(buffers);
         bytes > 0 && it != net::buffer_sequence_end(buffers); ++it) {
      const net::const_buffer chunk = *it;
      const auto size = std::min(bytes, chunk.size());
      reader_.feed(static_cast<const unsigned char*>(chunk.data()), size, on_frame_);
      bytes -= size;
    }
  }

  frame_header_reader reader_;
  frame_callback on_frame_;
};

// The drained teardown (drained_stream.hpp), found by argument-dependent lookup.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, metered_tcp_stream& stream,
                    TeardownHandler&& handler) {
  async_teardown(role, static_cast<drained_tcp_stream&>(stream),
                 std::forward<TeardownHandler>(handler));
}

inline void teardown(boost::beast::role_type role, metered_tcp_stream& stream,
                     boost::beast::error_code& ec) {
  teardown(role, static_cast<drained_tcp_stream&>(stream), ec);
}

}  // namespace advisor::server
