#include "server/websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

namespace advisor::server {

namespace net = boost::asio;

namespace {
// What an idle connection holds for its next message. Beast would prepare tcp_frame_size
// (1536 bytes) however short the messages are; most chat lines fit in this, and the rest of a
// longer one is read into a buffer grown to the frame's exact size.
constexpr std::size_t idle_read_bytes = 128;
}  // namespace

websocket_session::websocket_session(beast::tcp_stream&& stream, server_context& ctx,
                                     connection_limit::slot slot)
    : ws_{batching_socket{stream.release_socket()}},
      ctx_{ctx},
      bucket_{ctx.settings.limit.rate_per_second, ctx.settings.limit.rate_burst,
              token_bucket::clock::now()},
      control_budget_{ctx.settings.limit.control_frame_rate, ctx.settings.limit.control_frame_burst,
                      token_bucket::clock::now()},
      guard_{max_fragments_per_message(ctx.settings.limit), ctx.settings.limit.message_timeout},
      message_timer_{ws_.get_executor()},
      slot_{std::move(slot)} {}

websocket_session::~websocket_session() {
  if (registered_) {
    ctx_.counters.ws_closed();
    ctx_.connections.remove(this);
  }
}

void websocket_session::run(request req, std::optional<std::string> session_token) {
  const auto& limit = ctx_.settings.limit;
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = limit.handshake_timeout;
  timeouts.idle_timeout = limit.idle_timeout;
  timeouts.keep_alive_pings = true;  // ping at half the idle time, close if nothing comes back
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "advisor"); }));
  ws_.read_message_max(limit.max_frame_bytes);
  ws_.auto_fragment(false);
  // The stream owns the callback and the session owns the stream: `this` outlives it.
  ws_.control_callback(
      [this](websocket::frame_type kind, beast::string_view) { on_control(kind); });
  ws_.next_layer().on_frame([this](const frame_header& header) { on_frame(header); });

  auto lookup = ctx_.chat.sessions().open(session_token ? &*session_token : nullptr);
  session_ = std::move(lookup.session);
  // The welcome goes first in the queue; it is written once the handshake is done.
  queue_.push_back({ctx_.chat.welcome(*session_, lookup.resumed), true});

  ws_.async_accept(req,
                   beast::bind_front_handler(&websocket_session::on_accept, shared_from_this()));
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");
  if (!ctx_.connections.add(shared_from_this())) {
    // Shutdown began during the handshake.
    queue_.clear();
    return close(websocket::close_code::going_away);
  }
  registered_ = true;
  ctx_.counters.ws_opened();
  do_write();
  do_read();
}

void websocket_session::do_read() {
  if (reading_ || closing_) return;
  // Back-pressure: a client that does not read its replies stops being read.
  if (queue_.size() >= ctx_.settings.limit.max_write_queue) {
    // Held replies go with the next write: the answer the queue waits for (batching_socket.hpp).
    ws_.next_layer().hold_writes(false);
    return;
  }
  reading_ = true;
  buffer_.clear();
  // Sized to what was sent: a longer message does not pin its buffer to the connection.
  if (buffer_.capacity() > idle_read_bytes) buffer_.shrink_to_fit();
  // Into prepared bytes rather than the dynamic buffer: one composed operation less is held
  // while the connection waits.
  ws_.async_read_some(
      buffer_.prepare(idle_read_bytes),
      beast::bind_front_handler(&websocket_session::on_read_start, shared_from_this()));
}

void websocket_session::on_read_start(beast::error_code ec, std::size_t bytes) {
  buffer_.commit(bytes);
  if (ec || ws_.is_message_done()) return on_read(ec, bytes);
  ws_.async_read(buffer_,  // the rest of this message
                 beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
  reading_ = false;
  // Beast has already sent 1009 (too big) or 1007 (bad UTF-8) where those apply.
  if (ec) return fail(ec, "read");
  ++messages_read_;
  ws_.next_layer().hold_writes(messages_arrived_ != messages_read_);
  if (closing_) return;
  if (ws_.got_binary()) return close(websocket::close_code::unknown_data);  // 1003: text only

  // Read in place: the frame is parsed before the next read reuses the buffer.
  const std::string_view frame{static_cast<const char*>(buffer_.data().data()), buffer_.size()};
  if (!bucket_.try_take(token_bucket::clock::now())) {
    if (warned_) return close(websocket::close_code::policy_error);  // 1008
    warned_ = true;
    send(ctx_.chat.rate_limited(frame));
    return do_read();
  }
  warned_ = false;
  const auto slot = reserve();
  ctx_.chat.handle_frame(session_, frame, [self = shared_from_this(), slot](std::string answer) {
    // At once, on this strand: runs inline. From the storage thread: posted to the strand.
    net::dispatch(self->ws_.get_executor(), [self, slot, answer = std::move(answer)]() mutable {
      self->on_answer(slot, std::move(answer));
    });
  });
  do_read();  // the next message, while this answer is written
}

void websocket_session::on_control(websocket::frame_type kind) {
  if (kind == websocket::frame_type::close || control_exceeded_) return;
  if (control_budget_.try_take(token_bucket::clock::now())) return;
  // Beast answers every ping on its own, so a flood costs a pong each until it is cut off.
  control_exceeded_ = true;
  close_later(websocket::close_code::policy_error);  // 1008
}

void websocket_session::on_frame(const frame_header& header) {
  if (header.fin && header.opcode <= 2) ++messages_arrived_;  // the end of a data message
  if (closing_ || fragments_exceeded_) return;
  if (guard_.on_frame(header, message_guard::clock::now()) ==
      message_guard::verdict::too_many_fragments) {
    fragments_exceeded_ = true;
    return close_later(websocket::close_code::too_big);  // 1009, counted in frames
  }
  if (guard_.deadline() && !message_timer_armed_) arm_message_timer();
}

// One timer per connection, armed when a message starts and not cancelled when it ends:
// a stream of small messages costs no timer operation each.
void websocket_session::arm_message_timer() {
  message_timer_armed_ = true;
  message_timer_.expires_at(*guard_.deadline());
  // A weak pointer: a closed session is not kept alive until the timer fires.
  message_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_message_timer();
  });
}

void websocket_session::on_message_timer() {
  message_timer_armed_ = false;
  const auto deadline = guard_.deadline();
  if (!deadline || closing_) return;  // between messages: the next one arms it again
  if (*deadline > message_guard::clock::now()) return arm_message_timer();  // a later message
  // Fragments trickling in keep Beast's idle timer from firing without ever making a message.
  close(websocket::close_code::policy_error);  // 1008
}

void websocket_session::close_later(websocket::close_code code) {
  // Runs inside Beast's read operation: the close starts once the read has handed control
  // back to the strand.
  net::post(ws_.get_executor(), [self = shared_from_this(), code] { self->close(code); });
}

std::uint64_t websocket_session::reserve() {
  queue_.push_back({});
  return front_slot_ + queue_.size() - 1;
}

void websocket_session::send(std::string frame) {
  if (close_sent_) return;
  queue_.push_back({std::move(frame), true});
  do_write();
}

void websocket_session::on_answer(std::uint64_t slot, std::string frame) {
  auto& place = queue_[static_cast<std::size_t>(slot - front_slot_)];
  place.frame = std::move(frame);
  place.ready = true;
  do_write();
}

void websocket_session::do_write() {
  if (writing_ || close_sent_ || queue_.empty() || !queue_.front().ready) return;
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(queue_.front().frame),
                  beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) return fail(ec, "write");
  queue_.erase(queue_.begin());  // at most max_write_queue small moves
  ++front_slot_;
  if (!queue_.empty()) return do_write();
  if (close_after_writes_) return close_when_sent();
  do_read();  // resumes reading if back-pressure had paused it
}

void websocket_session::close_when_sent() {
  const auto code = *close_after_writes_;
  close_after_writes_.reset();
  close(code);
}

void websocket_session::close(websocket::close_code code) {
  closing_ = true;
  if (close_sent_) return;
  if (!queue_.empty()) {
    // The answers being prepared and the replies already queued go out first; the close
    // follows the last of them.
    close_after_writes_ = code;
    return;
  }
  close_sent_ = true;
  ctx_.counters.close(static_cast<unsigned short>(code));
  ws_.async_close(code,
                  beast::bind_front_handler(&websocket_session::on_close, shared_from_this()));
}

void websocket_session::on_close(beast::error_code ec) {
  if (ec) return fail(ec, "close");
}

void websocket_session::stop() {
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    self->close(websocket::close_code::going_away);  // 1001
  });
}

void websocket_session::fail(beast::error_code ec, const char* what) {
  // Normal ends of a connection are not worth a log line.
  if (ec == websocket::error::closed || ec == net::error::operation_aborted ||
      ec == beast::error::timeout || ec == net::error::eof) {
    return;
  }
  ctx_.log.debug("websocket {}: {}", what, ec.message());
}

}  // namespace advisor::server
