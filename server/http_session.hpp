#pragma once
// One HTTP connection: reads requests with a body limit and a timeout, answers them in
// order, hands WebSocket upgrades on to a websocket_session.

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>

#include "server/connection_registry.hpp"
#include "server/http_handler.hpp"
#include "server/server_context.hpp"

namespace advisor::server {

namespace beast = boost::beast;

class http_session : public connection, public std::enable_shared_from_this<http_session> {
 public:
  http_session(boost::asio::ip::tcp::socket&& socket, server_context& ctx);
  ~http_session() override;

  void run();
  void stop() override;

 private:
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void send(http::message_generator&& message);
  void send(http::response<http::string_body>&& refusal);  // counted, then the connection ends
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  void do_close();
  void fail(beast::error_code ec, const char* what);

  beast::tcp_stream stream_;
  server_context& ctx_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool writing_ = false;
  bool stopping_ = false;
  bool registered_ = false;
};

}  // namespace advisor::server
