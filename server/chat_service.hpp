#pragma once
// What a chat frame means, independent of the transport: the WebSocket session and
// POST /api/chat both come here. Runs the engine under the session's lock and counts.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "dialogue/engine.hpp"
#include "server/metrics.hpp"
#include "server/protocol.hpp"
#include "server/session_store.hpp"

namespace advisor::server {

class chat_service {
 public:
  chat_service(dialogue::engine_ptr engine, session_store& sessions, metrics& counters,
               protocol::frame_rules rules);

  session_store& sessions() { return sessions_; }

  // Swaps in a newly validated engine (SIGHUP); conversations carry on with it.
  void replace_engine(dialogue::engine_ptr engine);

  std::string welcome(const chat_session& session, bool resumed) const;

  // One WebSocket text frame in, exactly one frame out (reply, error, pong or welcome).
  std::string handle_frame(chat_session& session, std::string_view frame);

  std::string rate_limited(std::string_view frame);

  struct http_answer {
    unsigned status;
    std::string body;  // JSON
  };
  // POST /api/chat.
  http_answer handle_http(std::string_view body);

 private:
  std::string answer(chat_session& session, const protocol::message_frame& message,
                     const std::optional<std::string>& session_field);
  std::string error(const protocol::frame_error& error);

  std::atomic<dialogue::engine_ptr> engine_;
  session_store& sessions_;
  metrics& metrics_;
  protocol::frame_rules rules_;
};

}  // namespace advisor::server
