#pragma once
// The WebSocket's next layer with replies gathered while the session still has input in hand.
//
// A client with several messages outstanding sends them together; Beast reads them in one
// read and hands them over one by one. Sent one by one, each reply would cost a TCP segment,
// and on loopback or a LAN each segment wakes the client again. While the session says more
// messages are already read (`hold_writes(true)`), a write is copied here and completes at
// once; the next write made without the hold, or the next read that has to wait on the
// socket, sends everything gathered in one call. So nothing waits for a timer, a reply never
// leaves later than the input it answers was used up, and the bytes held are bounded
// (`max_held_bytes`, then the write goes out as usual and back-pressure works as before).
//
// At most one write waits here: Beast writes one frame at a time, and a write meeting a send
// of gathered bytes already in flight waits for it to finish (`waiter_`).

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_cat.hpp>
#include <boost/beast/core/error.hpp>

#include <cstddef>
#include <string>
#include <utility>

#include "server/metered_stream.hpp"

namespace advisor::server {

class batching_socket : public metered_socket {
 public:
  static constexpr std::size_t max_held_bytes = 64 * 1024;

  explicit batching_socket(boost::asio::ip::tcp::socket&& socket)
      : metered_socket{std::move(socket)} {}

  // Set while the session has read messages it has not answered yet: their replies follow
  // at once, so a reply written now may wait for them.
  void hold_writes(bool on) { hold_ = on; }

  // Hides the socket's (Beast writes every frame through this).
  template <class ConstBuffers, class WriteHandler>
  auto async_write_some(const ConstBuffers& buffers, WriteHandler&& handler) {
    return boost::asio::async_compose<WriteHandler, void(boost::beast::error_code, std::size_t)>(
        write_op<ConstBuffers>{*this, buffers}, handler, *this);
  }

  // Hides metered_socket's: sends what is held before waiting for input.
  template <class MutableBuffers, class ReadHandler>
  auto async_read_some(const MutableBuffers& buffers, ReadHandler&& handler) {
    return boost::asio::async_compose<ReadHandler, void(boost::beast::error_code, std::size_t)>(
        read_op<MutableBuffers>{*this, buffers}, handler, *this);
  }

  // Sends what is held, for a session that stops reading for a while (its queue is full).
  template <class FlushHandler>
  auto async_flush(FlushHandler&& handler) {
    return boost::asio::async_compose<FlushHandler, void(boost::beast::error_code)>(flush_op{*this},
                                                                                    handler, *this);
  }

  [[nodiscard]] bool holds_bytes() const { return !held_.empty(); }

 private:
  using socket_type = boost::asio::ip::tcp::socket;
  socket_type& socket() { return *this; }

  // Appends a frame to the held bytes; false when they would grow past the bound.
  template <class ConstBuffers>
  bool hold(const ConstBuffers& buffers) {
    namespace net = boost::asio;
    const auto size = net::buffer_size(buffers);
    if (held_.size() + size > max_held_bytes) return false;
    const auto at = held_.size();
    held_.resize(at + size);
    net::buffer_copy(net::buffer(held_.data() + at, size), buffers);
    return true;
  }

  // A send of held bytes ended: they are gone (their memory too: an idle connection keeps
  // none), and a write that waited for it goes on.
  void sent(boost::beast::error_code ec) {
    sending_ = false;
    std::string{}.swap(held_);
    if (!waiter_) return;
    auto waiter = std::move(waiter_);
    std::move(waiter)(ec);
  }

  template <class ConstBuffers>
  struct write_op {
    batching_socket& stream;
    ConstBuffers buffers;
    enum class step { start, resume, held, sent } at = step::start;

    template <class Self>
    void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t = 0) {
      namespace net = boost::asio;
      switch (at) {
        case step::start:
          if (stream.sending_) {
            at = step::resume;
            stream.waiter_ = std::move(self);
            return;
          }
          return go_on(self, false);
        case step::resume:
          if (ec) return self.complete(ec, 0);
          return go_on(self, true);
        case step::held:
          return self.complete({}, net::buffer_size(buffers));
        case step::sent:
          stream.sent(ec);
          return self.complete(ec, ec ? 0 : net::buffer_size(buffers));
      }
    }

    template <class Self>
    void go_on(Self& self, bool in_handler) {
      namespace net = boost::asio;
      if (stream.hold_ && stream.hold(buffers)) {
        at = step::held;
        // Completing inside the initiating call is not allowed; from a handler it is.
        if (in_handler) return self();
        return net::post(std::move(self));
      }
      at = step::sent;
      stream.sending_ = true;
      net::async_write(stream.socket(),
                       boost::beast::buffers_cat(net::buffer(stream.held_), buffers),
                       std::move(self));
    }
  };

  template <class MutableBuffers>
  struct read_op {
    batching_socket& stream;
    MutableBuffers buffers;
    enum class step { start, flushed, read } at = step::start;

    template <class Self>
    void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t bytes = 0) {
      namespace net = boost::asio;
      switch (at) {
        case step::start:
          if (!stream.held_.empty() && !stream.sending_) {
            at = step::flushed;
            stream.sending_ = true;
            return net::async_write(stream.socket(), net::buffer(stream.held_), std::move(self));
          }
          break;
        case step::flushed:
          stream.sent(ec);
          if (ec) return self.complete(ec, 0);
          break;
        case step::read:
          return self.complete(ec, bytes);
      }
      at = step::read;
      stream.metered_socket::async_read_some(buffers, std::move(self));
    }
  };

  struct flush_op {
    batching_socket& stream;
    enum class step { start, done, sent } at = step::start;

    template <class Self>
    void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t = 0) {
      namespace net = boost::asio;
      switch (at) {
        case step::start:
          // Nothing held, or a send already carries it: done.
          if (stream.held_.empty() || stream.sending_) {
            at = step::done;
            return net::post(std::move(self));
          }
          at = step::sent;
          stream.sending_ = true;
          return net::async_write(stream.socket(), net::buffer(stream.held_), std::move(self));
        case step::done:
          return self.complete({});
        case step::sent:
          stream.sent(ec);
          return self.complete(ec);
      }
    }
  };

  std::string held_;  // frames written while holding, not yet sent
  boost::asio::any_completion_handler<void(boost::beast::error_code)> waiter_;
  bool hold_ = false;
  bool sending_ = false;  // held_ is being sent
};

// Held bytes go out before the drained teardown (drained_stream.hpp) shuts the socket down.
namespace detail {
struct batched_teardown_op {
  batching_socket& stream;
  boost::beast::role_type role;
  enum class step { start, flushed, done } at = step::start;

  template <class Self>
  void operator()(Self& self, boost::beast::error_code ec = {}) {
    switch (at) {
      case step::start:
        at = step::flushed;
        return stream.async_flush(std::move(self));
      case step::flushed:  // a failed send does not stop the teardown
        at = step::done;
        return async_teardown(role, static_cast<metered_socket&>(stream), std::move(self));
      case step::done:
        return self.complete(ec);
    }
  }
};
}  // namespace detail

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, batching_socket& stream,
                    TeardownHandler&& handler) {
  boost::asio::async_compose<TeardownHandler, void(boost::beast::error_code)>(
      detail::batched_teardown_op{stream, role}, handler, stream);
}

inline void teardown(boost::beast::role_type role, batching_socket& stream,
                     boost::beast::error_code& ec) {
  teardown(role, static_cast<metered_socket&>(stream), ec);
}

}  // namespace advisor::server
