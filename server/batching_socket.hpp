#pragma once
// The WebSocket's next layer with replies gathered while the session still has input in hand.
//
// A client with several messages outstanding sends them together; Beast reads them in one
// read and hands them over one by one. Sent one by one, each reply would cost a TCP segment,
// and on loopback or a LAN each segment wakes the client again. While the session says more
// messages are already read (`hold_writes(true)`), a write is copied here and completes at
// once; the next write made without the hold, or the next read that has to wait on the
// socket, sends everything gathered in one call. So nothing waits for a timer, and a reply
// leaves once the input in hand is used up. One exception: when the session's reply queue
// fills behind an answer that waits for storage, it stops reading and what was gathered goes
// with the next write, that answer's (a flush then would let a stalled send grow unbounded).
//
// Bounded: a write that would hold more than `max_held_bytes` goes out at once with what is
// held. A write made while held bytes are being sent joins them and is sent next, whatever
// the hold; only the read that waits for input (and the teardown) send held bytes, and the
// session reads nothing new meanwhile, so what joins them is bounded by its reply queue.
// Beast writes one frame at a time, so a write never meets another write in flight here.

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/async_base.hpp>
#include <boost/beast/core/buffers_cat.hpp>
#include <boost/beast/core/error.hpp>

#include <cstddef>
#include <utility>
#include <vector>

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

  // Hides the socket's (Beast writes every frame through this). With nothing held and nothing
  // to hold, the socket's own write with the caller's handler: one message at a time costs
  // what it did without batching.
  template <class ConstBuffers, class WriteHandler>
  void async_write_some(const ConstBuffers& buffers, WriteHandler&& handler) {
    if (held_.empty() && !may_hold(buffers)) {
      return socket().async_write_some(buffers, std::forward<WriteHandler>(handler));
    }
    boost::asio::async_compose<WriteHandler, void(boost::beast::error_code, std::size_t)>(
        write_op<ConstBuffers>{*this, buffers}, handler, *this);
  }

  // Hides metered_socket's: sends what is held before waiting for input. The read itself is
  // metered_socket's with the caller's handler, so an idle connection's pending read is no
  // bigger than without batching.
  template <class MutableBuffers, class ReadHandler>
  void async_read_some(const MutableBuffers& buffers, ReadHandler&& handler) {
    // A send in flight already carries what is held.
    if (held_.empty() || sending_) {
      return metered_socket::async_read_some(buffers, std::forward<ReadHandler>(handler));
    }
    flush_then_read<std::decay_t<ReadHandler>, MutableBuffers>{std::forward<ReadHandler>(handler),
                                                               *this, buffers};
  }

  // Sends what is held, and what joins it meanwhile, until nothing is left.
  template <class FlushHandler>
  auto async_flush(FlushHandler&& handler) {
    return boost::asio::async_compose<FlushHandler, void(boost::beast::error_code)>(flush_op{*this},
                                                                                    handler, *this);
  }

 private:
  boost::asio::ip::tcp::socket& socket() { return *this; }

  template <class ConstBuffers>
  void append(const ConstBuffers& buffers) {
    namespace net = boost::asio;
    const auto size = net::buffer_size(buffers);
    const auto at = held_.size();
    held_.resize(at + size);
    net::buffer_copy(net::buffer(held_.data() + at, size), buffers);
  }

  template <class ConstBuffers>
  [[nodiscard]] bool may_hold(const ConstBuffers& buffers) const {
    if (sending_) return true;  // sent by the send in flight, after what it carries
    // While the socket is read, the session has no input in hand: nothing follows at once.
    return hold_ && !reading() &&
           held_.size() + boost::asio::buffer_size(buffers) <= max_held_bytes;
  }

  template <class ConstBuffers>
  struct write_op {
    batching_socket& stream;
    ConstBuffers buffers;
    enum class step { start, held, sent } at = step::start;

    template <class Self>
    void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t = 0) {
      namespace net = boost::asio;
      switch (at) {
        case step::start:
          if (stream.may_hold(buffers)) {
            stream.append(buffers);
            at = step::held;
            return net::post(stream.get_executor(), std::move(self));  // not inside the call
          }
          at = step::sent;
          stream.sending_ = true;
          return net::async_write(stream.socket(),
                                  boost::beast::buffers_cat(net::buffer(stream.held_), buffers),
                                  std::move(self));
        case step::held:
          return self.complete({}, net::buffer_size(buffers));
        case step::sent:
          stream.sending_ = false;
          std::vector<char>{}.swap(stream.held_);  // an idle connection keeps no buffer
          return self.complete(ec, ec ? 0 : net::buffer_size(buffers));
      }
    }
  };

  struct flush_op {
    batching_socket& stream;
    std::vector<char> sending{};  // its bytes stay put when the operation moves
    enum class step { start, idle, sending } at = step::start;

    template <class Self>
    void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t = 0) {
      namespace net = boost::asio;
      switch (at) {
        case step::start:
          // Nothing held, or a send in flight that carries it all: nothing to do.
          if (stream.sending_ || stream.held_.empty()) {
            at = step::idle;
            return net::post(stream.get_executor(), std::move(self));
          }
          return send(self);
        case step::idle:
          return self.complete({});
        case step::sending:
          stream.sending_ = false;
          sending = {};
          if (ec || stream.held_.empty()) return self.complete(ec);
          return send(self);  // what was written meanwhile
      }
    }

    template <class Self>
    void send(Self& self) {
      at = step::sending;
      stream.sending_ = true;
      sending.swap(stream.held_);  // writes made meanwhile gather in held_
      boost::asio::async_write(stream.socket(), boost::asio::buffer(sending), std::move(self));
    }
  };

  // Sends what is held, then hands the caller's handler to metered_socket's read.
  template <class Handler, class MutableBuffers>
  class flush_then_read
      : public boost::beast::async_base<Handler, boost::asio::ip::tcp::socket::executor_type> {
   public:
    template <class H>
    flush_then_read(H&& handler, batching_socket& stream, const MutableBuffers& buffers)
        : boost::beast::async_base<
              Handler, boost::asio::ip::tcp::socket::executor_type>{std::forward<H>(handler),
                                                                    stream.get_executor()},
          stream_{stream},
          buffers_{buffers} {
      stream_.async_flush(std::move(*this));
    }

    void operator()(boost::beast::error_code ec) {
      if (ec) return this->complete_now(ec, std::size_t{0});
      stream_.metered_socket::async_read_some(buffers_, this->release_handler());
    }

   private:
    batching_socket& stream_;
    MutableBuffers buffers_;
  };

  std::vector<char> held_;  // frames written while holding, not yet sent
  bool hold_ = false;
  bool sending_ = false;  // a send is in flight: writes join held_
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
