#include "server/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "server/http_session.hpp"

namespace advisor::server {

namespace net = boost::asio;
namespace beast = boost::beast;

listener::listener(net::io_context& ioc, server_context& ctx)
    : ioc_{ioc}, acceptor_{net::make_strand(ioc)}, ctx_{ctx} {}

beast::error_code listener::open(const net::ip::tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return ec;
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return ec;
  acceptor_.bind(endpoint, ec);
  if (ec) return ec;
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  return ec;
}

void listener::run() {
  do_accept();
}

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
  });
}

void listener::do_accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, net::ip::tcp::socket socket) {
  if (ec == net::error::operation_aborted) return;  // stopped
  if (ec) {
    ctx_.log.warn("accept: {}", ec.message());
  } else {
    std::make_shared<http_session>(std::move(socket), ctx_)->run();
  }
  if (acceptor_.is_open()) do_accept();
}

}  // namespace advisor::server
