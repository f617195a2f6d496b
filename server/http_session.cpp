#include "server/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "server/admin_api.hpp"
#include "server/websocket_session.hpp"

namespace advisor::server {

namespace net = boost::asio;

namespace {

// Beast's number for HTTP/1.1: the version of an answer to a request that could not be read.
constexpr unsigned http_1_1 = 11;

// The client the per-address limits count: the peer, or whom a trusted proxy names.
std::string client_address(const beast::tcp_stream& stream, const request& req,
                           const trusted_proxies& proxies) {
  beast::error_code ec;
  const auto peer = stream.socket().remote_endpoint(ec);
  if (ec) return {};
  std::string forwarded_for;
  if (proxies.contains(peer.address())) {
    const auto [first, last] = req.equal_range("X-Forwarded-For");
    for (auto field = first; field != last; ++field) {
      if (!forwarded_for.empty()) forwarded_for += ',';
      forwarded_for += field->value();
    }
  }
  return proxies.client(peer.address(), forwarded_for).to_string();
}

}  // namespace

http_session::http_session(net::ip::tcp::socket&& socket, server_context& ctx)
    : stream_{std::move(socket)}, ctx_{ctx} {}

http_session::~http_session() {
  if (registered_) ctx_.connections.remove(this);
}

void http_session::run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->registered_ = self->ctx_.connections.add(self);
    if (!self->registered_) return self->do_close();  // shutting down
    self->do_read();
  });
}

void http_session::stop() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    // A response being written is finished first (on_write closes); an idle read is cut.
    if (!self->writing_) self->do_close();
  });
}

void http_session::do_read() {
  parser_.emplace();
  parser_->body_limit(ctx_.settings.limit.max_http_body_bytes);
  parser_->header_limit(16 * 1024);
  stream_.expires_after(ctx_.settings.limit.http_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec == http::error::body_limit) {
    return send(
        error_response(http::status::payload_too_large, http_1_1, "request body too large"));
  }
  if (ec == http::error::header_limit) {
    return send(error_response(http::status::request_header_fields_too_large, http_1_1,
                               "request headers too large"));
  }
  if (ec == http::error::bad_target || ec == http::error::bad_method ||
      ec == http::error::bad_version || ec == http::error::bad_field ||
      ec == http::error::bad_value || ec == http::error::bad_content_length ||
      ec == http::error::multiple_content_length || ec == http::error::bad_transfer_encoding ||
      ec == http::error::bad_chunk) {
    return send(error_response(http::status::bad_request, http_1_1, "malformed request"));
  }
  if (ec) return fail(ec, "read");
  if (stopping_) return do_close();

  if (websocket::is_upgrade(parser_->get())) {
    auto req = parser_->release();
    auto decision = decide_upgrade(req, ctx_.settings);
    if (decision.refusal) return send(std::move(*decision.refusal));
    // Refused before the upgrade: past the cap, a connection costs one HTTP answer.
    auto admitted = ctx_.websocket_limit.try_acquire(client_address(stream_, req, ctx_.proxies));
    if (admitted.why == connection_limit::refusal::total) return send(too_many_connections(req));
    if (admitted.why == connection_limit::refusal::per_address) {
      return send(too_many_from_address(req));
    }
    // The socket moves to the WebSocket session; this HTTP session ends here.
    std::make_shared<websocket_session>(std::move(stream_), ctx_, std::move(admitted.held))
        ->run(std::move(req), std::move(decision.session_token));
    return;
  }
  if (is_chat_post(parser_->get())) {
    const auto client = client_address(stream_, parser_->get(), ctx_.proxies);
    if (client.empty() || !ctx_.http_chat_limit.try_take(client, token_bucket::clock::now())) {
      ctx_.counters.error(protocol::error_code::rate_limited);
      const auto req = parser_->release();
      return send(http::message_generator{chat_response(
          req, 429,
          protocol::error_json({protocol::error_code::rate_limited,
                                "too many messages; wait a moment before sending more",
                                std::nullopt}),
          ctx_)});
    }
    writing_ = true;  // an answer is on its way: a shutdown lets it finish
    auto req = std::make_shared<request>(parser_->release());
    const auto body = req->body();
    ctx_.chat.handle_http(body, [self = shared_from_this(), req](chat_service::http_answer answer) {
      net::post(self->stream_.get_executor(), [self, req, answer = std::move(answer)]() mutable {
        self->send(http::message_generator{
            chat_response(*req, answer.status, std::move(answer.body), self->ctx_)});
      });
    });
    return;
  }
  if (is_admin_request(parser_->get())) {
    const auto client = client_address(stream_, parser_->get(), ctx_.proxies);
    return send(handle_admin(parser_->release(), ctx_, client));
  }
  send(handle_request(parser_->release(), ctx_));
}

void http_session::send(http::response<http::string_body>&& refusal) {
  ctx_.counters.http_request(refusal.result_int());
  refusal.keep_alive(false);
  send(http::message_generator{std::move(refusal)});
}

void http_session::send(http::message_generator&& message) {
  writing_ = true;
  const bool keep_alive = message.keep_alive() && !stopping_;
  beast::async_write(
      stream_, std::move(message),
      beast::bind_front_handler(&http_session::on_write, shared_from_this(), keep_alive));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) return fail(ec, "write");
  if (!keep_alive || stopping_) return do_close();
  do_read();
}

void http_session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);  // also cancels a pending read
}

void http_session::fail(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted || ec == beast::error::timeout || ec == net::error::eof ||
      ec == net::error::connection_reset) {
    return;
  }
  ctx_.log.debug("http {}: {}", what, ec.message());
}

}  // namespace advisor::server
