#pragma once
// One WebSocket connection: reads frames, answers each through chat_service, writes with
// at most one write in flight. Everything runs on the connection's strand (the socket's
// executor); other threads reach it only through net::post.
//
// Pipelined: the next message is read while earlier answers are prepared or written. Each
// message takes a place in `queue_` when it is read, and its answer fills that place, so
// replies leave in the order the messages came even when one waits for storage; at most
// `max_write_queue` places are taken before reading pauses.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/batching_socket.hpp"
#include "server/connection_registry.hpp"
#include "server/http_handler.hpp"
#include "server/message_guard.hpp"
#include "server/rate_limiter.hpp"
#include "server/server_context.hpp"

namespace advisor::server {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

class websocket_session : public connection,
                          public std::enable_shared_from_this<websocket_session> {
 public:
  websocket_session(beast::tcp_stream&& stream, server_context& ctx, connection_limit::slot slot);
  ~websocket_session() override;

  void run(request req, std::optional<std::string> session_token);
  void stop() override;

 private:
  struct reply_slot {
    std::string frame;
    bool ready = false;  // false: the answer is still being prepared
  };

  void on_accept(beast::error_code ec);
  void do_read();
  void on_read_start(beast::error_code ec, std::size_t bytes);  // the first bytes of a message
  void on_read(beast::error_code ec, std::size_t bytes);        // a whole message
  void on_control(websocket::frame_type kind);  // inside a read, for each ping and pong
  void on_frame(const frame_header& header);    // inside a read, for every frame
  void arm_message_timer();
  void on_message_timer();
  void close_later(websocket::close_code code);  // from inside a read: posted to the strand
  std::uint64_t reserve();                       // a place in the queue for the answer to come
  void send(std::string frame);
  void on_answer(std::uint64_t slot, std::string frame);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void close_when_sent();
  void close(websocket::close_code code);
  void on_close(beast::error_code ec);
  void fail(beast::error_code ec, const char* what);

  websocket::stream<batching_socket> ws_;
  server_context& ctx_;
  beast::flat_buffer buffer_;
  // Front is the next to write (or in flight). A vector, not a deque: an idle connection
  // keeps a few bytes here rather than a deque's 512-byte block.
  std::vector<reply_slot> queue_;
  std::uint64_t front_slot_ = 0;  // number of queue_.front()
  std::shared_ptr<chat_session> session_;
  token_bucket bucket_;
  bool warned_ = false;          // a rate_limited error was sent; the next excess closes
  token_bucket control_budget_;  // pings and pongs (Beast answers pings itself)
  bool control_exceeded_ = false;
  message_guard guard_;                      // fragments per message, time per message
  boost::asio::steady_timer message_timer_;  // armed while a message is incomplete
  bool message_timer_armed_ = false;
  bool fragments_exceeded_ = false;
  // Whole messages whose last frame has arrived, and those read: while the first is ahead,
  // replies are gathered for one send (batching_socket.hpp). Compared with !=, so they wrap.
  std::uint32_t messages_arrived_ = 0;
  std::uint32_t messages_read_ = 0;
  bool reading_ = false;     // a read is in flight
  bool writing_ = false;     // a write is in flight (of queue_.front())
  bool closing_ = false;     // no more reads; close once the queue is out
  bool close_sent_ = false;  // async_close issued: nothing more is written
  std::optional<websocket::close_code> close_after_writes_;
  bool registered_ = false;
  connection_limit::slot slot_;  // given back when the session ends
};

}  // namespace advisor::server
