#pragma once
// What a chat frame means, independent of the transport: the WebSocket session and
// POST /api/chat both come here. Runs the engine under the session's lock, and for the
// turns that must be durable first (a confirmed booking, a form in progress) writes on
// the storage thread before the answer goes out.

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "dialogue/engine.hpp"
#include "server/metrics.hpp"
#include "server/protocol.hpp"
#include "server/session_store.hpp"

namespace spdlog {
class logger;
}
namespace advisor::handoff {
class lead_store;
class conversation_store;
}  // namespace advisor::handoff

namespace advisor::server {

// Where the writes go, each store written by one thread: bookings on one connection, and
// conversations on their own, so that saving small talk never holds up a booking.
struct chat_storage {
  handoff::lead_store& leads;
  boost::asio::any_io_executor leads_writer;
  handoff::conversation_store& conversations;
  boost::asio::any_io_executor conversations_writer;
};

class chat_service {
 public:
  // `booked` is told of each new booking (the webhook sender wakes up). A visitor's write gives
  // up `db_wait` after the message came when the database stays locked by another process.
  chat_service(dialogue::engine_ptr engine, session_store& sessions, metrics& counters,
               protocol::frame_rules rules, chat_storage storage, std::function<void()> booked,
               spdlog::logger& log, std::chrono::milliseconds db_wait = std::chrono::seconds{2});

  session_store& sessions() { return sessions_; }

  // Swaps in a newly validated engine (SIGHUP); conversations carry on with it.
  void replace_engine(dialogue::engine_ptr engine);

  // Told of every reply to a visitor's message (the console's review list); set before the
  // I/O threads start, called on them.
  using reply_observer = std::function<void(std::string_view text, const dialogue::reply&)>;
  void observe_replies(reply_observer observer) { observer_ = std::move(observer); }

  std::string welcome(const chat_session& session, bool resumed) const;

  // The one frame answering `frame` is passed to `send`, at once or (after a write to
  // storage) later from the storage thread. Exactly one call of `send` per frame.
  using send_fn = std::function<void(std::string frame)>;
  void handle_frame(const std::shared_ptr<chat_session>& session, std::string_view frame,
                    send_fn send);

  std::string rate_limited(std::string_view frame);

  struct http_answer {
    unsigned status;
    std::string body;  // JSON
  };
  // POST /api/chat; `done` is called exactly once.
  void handle_http(std::string_view body, std::function<void(http_answer)> done);

 private:
  struct answered;
  void answer(const std::shared_ptr<chat_session>& session, const protocol::message_frame& message,
              bool with_session, std::function<void(answered)> done);
  void finish_booking(const std::shared_ptr<chat_session>& session,
                      const protocol::message_frame& message, bool with_session,
                      dialogue::booking_request request, std::function<void(answered)> done);
  std::string error(const protocol::frame_error& error);
  // `hello` (or the same fields of POST /api/chat): sets what is given and fills `taken`
  // with what the conversation now uses; a zone the tz database does not know is an error.
  std::optional<protocol::frame_error> place_visitor(const std::shared_ptr<chat_session>& session,
                                                     const protocol::place& where,
                                                     protocol::place& taken);
  // Durable (fsync before it returns); on the conversation writer only. False when the
  // database stayed locked until `deadline`.
  bool save_now(const std::shared_ptr<chat_session>& session,
                std::chrono::steady_clock::time_point deadline);

  std::atomic<dialogue::engine_ptr> engine_;
  session_store& sessions_;
  metrics& metrics_;
  protocol::frame_rules rules_;
  chat_storage storage_;
  std::function<void()> booked_;
  spdlog::logger& log_;
  std::chrono::milliseconds db_wait_;
  reply_observer observer_;
};

}  // namespace advisor::server
