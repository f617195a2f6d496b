#pragma once
// Accepts connections; each gets its own strand and an http_session.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include <chrono>
#include <cstddef>
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
  void back_off(boost::beast::error_code ec);  // out of file descriptors

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  server_context& ctx_;
  boost::asio::steady_timer retry_timer_;  // on the acceptor's strand
  std::size_t refused_ = 0;                // accepts that failed since the last log line
  std::chrono::steady_clock::time_point last_report_{};
};

}  // namespace advisor::server
