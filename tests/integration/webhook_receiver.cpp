#include "tests/integration/webhook_receiver.hpp"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace advisor::test {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string received_request::header(const std::string& lower_name) const {
  const auto found = headers.find(lower_name);
  return found == headers.end() ? std::string{} : found->second;
}

std::uint16_t unused_port() {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  const tcp::endpoint any{net::ip::make_address("127.0.0.1"), 0};
  acceptor.open(any.protocol());
  acceptor.bind(any);
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();  // never listened: connections to the port are refused from now on
  return port;
}

std::string webhook_url(std::uint16_t port) {
  return "http://127.0.0.1:" + std::to_string(port) + "/hook";
}

struct webhook_receiver::impl {
  // Declared before ioc: TLS streams still owned by pending handlers refer to it.
  std::optional<ssl::context> tls;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::uint16_t port = 0;
  std::thread thread;

  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::vector<received_request> requests;                          // guarded by mutex
  std::deque<int> statuses;                                        // guarded by mutex
  std::vector<std::string> handshake_errors;                       // guarded by mutex
  std::vector<std::pair<std::string, std::string>> error_headers;  // guarded by mutex
  bool holding = false;                                            // guarded by mutex
  std::vector<std::shared_ptr<void>> held;                         // guarded by mutex

  // Records a request and returns the status to answer it with.
  int record(const http::request<http::string_body>& req) {
    received_request item;
    item.method = std::string{req.method_string()};
    item.target = std::string{req.target()};
    for (const auto& field : req) {
      item.headers[lower(std::string{field.name_string()})] = std::string{field.value()};
    }
    item.body = req.body();
    item.at = std::chrono::steady_clock::now();
    {
      const std::lock_guard lock{mutex};
      item.answered = 200;
      if (holding) {
        item.answered = 0;
      } else if (!statuses.empty()) {
        item.answered = statuses.front();
        statuses.pop_front();
      }
      requests.push_back(item);
    }
    arrived.notify_all();
    return item.answered;
  }

  void record_handshake_error(const beast::error_code& ec) {
    {
      const std::lock_guard lock{mutex};
      handshake_errors.push_back(ec.message());
    }
    arrived.notify_all();
  }

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        return;  // closed: the receiver stops
      }
      if (tls) {
        auto link = std::make_shared<connection<tls_stream>>(
            tls_stream{beast::tcp_stream{std::move(socket)}, *tls}, *this);
        link->stream.async_handshake(ssl::stream_base::server,
                                     [link](beast::error_code handshake_ec) {
                                       if (handshake_ec) {
                                         link->owner.record_handshake_error(handshake_ec);
                                         return;
                                       }
                                       link->read();
                                     });
      } else {
        std::make_shared<connection<beast::tcp_stream>>(beast::tcp_stream{std::move(socket)}, *this)
            ->read();
      }
      accept();
    });
  }

  // One accepted connection, plain or TLS: the same request/answer loop over either stream.
  template <class Stream>
  struct connection : std::enable_shared_from_this<connection<Stream>> {
    connection(Stream s, impl& o) : stream{std::move(s)}, owner{o} {}
    Stream stream;
    impl& owner;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;

    void read() {
      request = {};
      http::async_read(stream, buffer, request,
                       [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                         if (!ec) {
                           self->answer();
                         }
                       });
    }

    void answer() {
      const int status = owner.record(request);
      if (status == 0) {  // held: kept open, never answered
        const std::lock_guard lock{owner.mutex};
        owner.held.push_back(this->shared_from_this());
        return;
      }
      response = {};
      response.version(request.version());
      response.result(static_cast<unsigned>(status));
      response.set(http::field::content_type, "application/json");
      if (status / 100 != 2) {
        const std::lock_guard lock{owner.mutex};
        for (const auto& [name, value] : owner.error_headers) response.set(name, value);
      }
      response.keep_alive(request.keep_alive());
      response.body() = status / 100 == 2 ? R"({"ok":true})" : R"({"ok":false})";
      response.prepare_payload();
      http::async_write(stream, response,
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                          if (!ec && self->response.keep_alive()) {
                            self->read();
                            return;
                          }
                          // A TCP half-close either way: the client reads to the end of the
                          // response, a TLS close_notify would add nothing it waits for.
                          beast::error_code ignored;
                          beast::get_lowest_layer(self->stream)
                              .socket()
                              .shutdown(tcp::socket::shutdown_send, ignored);
                        });
    }
  };
};

webhook_receiver::webhook_receiver(std::uint16_t port, std::vector<int> first_statuses,
                                   std::optional<tls_identity> tls)
    : impl_{std::make_unique<impl>()} {
  impl_->statuses.assign(first_statuses.begin(), first_statuses.end());
  if (tls) {
    auto& context = impl_->tls.emplace(ssl::context::tls_server);
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3);
    beast::error_code ec;
    context.use_certificate_chain(net::buffer(tls->certificate_chain_pem), ec);
    if (!ec) {
      context.use_private_key(net::buffer(tls->private_key_pem), ssl::context::pem, ec);
    }
    if (ec) {
      throw std::runtime_error("webhook receiver cannot load its TLS identity: " + ec.message());
    }
  }
  const tcp::endpoint endpoint{net::ip::make_address("127.0.0.1"), port};
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  beast::error_code ec;
  impl_->acceptor.bind(endpoint, ec);
  if (ec) {
    throw std::runtime_error("webhook receiver cannot bind 127.0.0.1:" + std::to_string(port) +
                             ": " + ec.message());
  }
  impl_->acceptor.listen(net::socket_base::max_listen_connections);
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->thread = std::thread{[state = impl_.get()] { state->ioc.run(); }};
}

webhook_receiver::~webhook_receiver() {
  net::post(impl_->ioc, [state = impl_.get()] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
    state->ioc.stop();
  });
  impl_->thread.join();
}

std::uint16_t webhook_receiver::port() const {
  return impl_->port;
}

void webhook_receiver::hold_answers(bool hold) {
  std::vector<std::shared_ptr<void>> released;
  {
    const std::lock_guard lock{impl_->mutex};
    impl_->holding = hold;
    if (!hold) released.swap(impl_->held);
  }
  // Closed on the receiver's thread, which owns the sockets.
  net::post(impl_->ioc, [released = std::move(released)]() mutable { released.clear(); });
}

void webhook_receiver::add_error_header(std::string name, std::string value) {
  const std::lock_guard lock{impl_->mutex};
  impl_->error_headers.emplace_back(std::move(name), std::move(value));
}

std::vector<received_request> webhook_receiver::requests() const {
  const std::lock_guard lock{impl_->mutex};
  return impl_->requests;
}

bool webhook_receiver::wait_until(const requests_predicate& done,
                                  std::chrono::milliseconds deadline) const {
  std::unique_lock lock{impl_->mutex};
  return impl_->arrived.wait_for(lock, deadline, [&] { return done(impl_->requests); });
}

std::vector<std::string> webhook_receiver::failed_handshakes() const {
  const std::lock_guard lock{impl_->mutex};
  return impl_->handshake_errors;
}

bool webhook_receiver::wait_for_failed_handshakes(std::size_t count,
                                                  std::chrono::milliseconds deadline) const {
  std::unique_lock lock{impl_->mutex};
  return impl_->arrived.wait_for(lock, deadline,
                                 [&] { return impl_->handshake_errors.size() >= count; });
}

}  // namespace advisor::test
