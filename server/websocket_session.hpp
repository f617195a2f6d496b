#pragma once
// One WebSocket connection: reads frames, answers each through chat_service, writes with
// at most one write in flight. Everything runs on the connection's strand (the socket's
// executor); other threads reach it only through net::post.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "server/connection_registry.hpp"
#include "server/drained_stream.hpp"
#include "server/http_handler.hpp"
#include "server/rate_limiter.hpp"
#include "server/server_context.hpp"

namespace advisor::server {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

class websocket_session : public connection,
                          public std::enable_shared_from_this<websocket_session> {
 public:
  websocket_session(beast::tcp_stream&& stream, server_context& ctx);
  ~websocket_session() override;

  void run(request req, std::optional<std::string> session_token);
  void stop() override;

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void send(std::string frame);
  void on_answer(std::string frame);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void close(websocket::close_code code);
  void on_close(beast::error_code ec);
  void fail(beast::error_code ec, const char* what);

  websocket::stream<drained_tcp_stream> ws_;
  server_context& ctx_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;  // front is the write in flight
  std::shared_ptr<chat_session> session_;
  token_bucket bucket_;
  bool warned_ = false;      // a rate_limited error was sent; the next excess closes
  bool reading_ = false;     // a read is in flight
  bool awaiting_ = false;    // an answer is being prepared (maybe on the storage thread)
  bool closing_ = false;     // no more reads; close once the answer and the queue are out
  bool close_sent_ = false;  // async_close issued: nothing more is written
  std::optional<websocket::close_code> close_after_writes_;
  bool registered_ = false;
};

}  // namespace advisor::server
