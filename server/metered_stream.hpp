#pragma once
// The WebSocket's next layer: a drained_socket whose reads also pass the bytes read to
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

class metered_socket : public drained_socket {
 public:
  using frame_callback = std::function<void(const frame_header&)>;

  explicit metered_socket(boost::asio::ip::tcp::socket&& socket)
      : drained_socket{std::move(socket)} {}

  // Called, on the reading strand, for each frame header read; none before this is set.
  void on_frame(frame_callback callback) { on_frame_ = std::move(callback); }

  // A read waits on the socket: everything read so far has been handed over.
  [[nodiscard]] bool reading() const { return reading_; }

  // Hides the socket's: websocket::stream reads its next layer through this.
  template <class MutableBuffers, class ReadHandler>
  auto async_read_some(const MutableBuffers& buffers, ReadHandler&& handler) {
    return boost::asio::async_compose<ReadHandler, void(boost::beast::error_code, std::size_t)>(
        read_op<MutableBuffers>{*this, buffers}, handler, *this);
  }

 private:
  template <class MutableBuffers>
  struct read_op {
    metered_socket& stream;
    MutableBuffers buffers;
    bool started = false;

    template <class Self>
    void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t bytes = 0) {
      if (!started) {
        started = true;
        stream.reading_ = true;
        return stream.drained_socket::async_read_some(buffers, std::move(self));
      }
      stream.reading_ = false;
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
  bool reading_ = false;
};

// The drained teardown (drained_stream.hpp), found by argument-dependent lookup.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, metered_socket& stream,
                    TeardownHandler&& handler) {
  async_teardown(role, static_cast<drained_socket&>(stream),
                 std::forward<TeardownHandler>(handler));
}

inline void teardown(boost::beast::role_type role, metered_socket& stream,
                     boost::beast::error_code& ec) {
  teardown(role, static_cast<drained_socket&>(stream), ec);
}

}  // namespace advisor::server
