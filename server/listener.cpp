#include "server/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "server/http_session.hpp"

namespace advisor::server {

namespace net = boost::asio;
namespace beast = boost::beast;

namespace {
constexpr std::chrono::milliseconds retry_after{100};  // out of descriptors: wait this long
constexpr std::chrono::seconds report_every{10};       // one log line per interval at most

bool out_of_descriptors(const beast::error_code& ec) {
  return ec == net::error::no_descriptors ||                        // EMFILE: this process's limit
         ec == boost::system::errc::too_many_files_open_in_system;  // ENFILE
}
}  // namespace

listener::listener(net::io_context& ioc, server_context& ctx)
    : ioc_{ioc},
      acceptor_{net::make_strand(ioc)},
      ctx_{ctx},
      retry_timer_{acceptor_.get_executor()} {}

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
    self->retry_timer_.cancel();
  });
}

void listener::do_accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, net::ip::tcp::socket socket) {
  if (ec == net::error::operation_aborted) return;  // stopped
  if (out_of_descriptors(ec)) return back_off(ec);
  if (ec) {
    ctx_.log.warn("accept: {}", ec.message());
  } else {
    // A reply is one write and must leave at once: without this, Nagle's algorithm holds it
    // while an earlier segment waits for the client's (delayed) acknowledgement, and a reply
    // then waits for the visitor's next message.
    beast::error_code option_ec;
    socket.set_option(net::ip::tcp::no_delay{true}, option_ec);
    std::make_shared<http_session>(std::move(socket), ctx_)->run();
  }
  if (acceptor_.is_open()) do_accept();
}

void listener::back_off(beast::error_code ec) {
  // The connection stays in the kernel's backlog and accepting again at once fails at once:
  // retrying in a loop would take the core from the connections already open. Wait instead,
  // and say so once per interval with how often it happened.
  ++refused_;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_report_ >= report_every) {
    ctx_.log.warn("accept: {} ({} times since the last report); retrying every {} ms", ec.message(),
                  refused_, retry_after.count());
    refused_ = 0;
    last_report_ = now;
  }
  retry_timer_.expires_after(retry_after);
  retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
    if (wait_ec) return;  // stopped
    if (self->acceptor_.is_open()) self->do_accept();
  });
}

}  // namespace advisor::server
