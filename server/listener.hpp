#pragma once
// Accepts connections; each gets its own strand and an http_session.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

#include <memory>

#include "server/server_context.hpp"

namespace advisor::server {

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(boost::asio::io_context& ioc, server_context& ctx);

  // Binds and listens; the error says why not (port in use, bad address).
  boost::beast::error_code open(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  void run();
  void stop();  // no new connections; open ones are stopped through the registry

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  server_context& ctx_;
};

}  // namespace advisor::server
