#include "server/chat_service.hpp"

#include <exception>

namespace advisor::server {

chat_service::chat_service(dialogue::engine_ptr engine, session_store& sessions,
                           metrics& counters, protocol::frame_rules rules)
    : engine_{std::move(engine)}, sessions_{sessions}, metrics_{counters}, rules_{rules} {}

void chat_service::replace_engine(dialogue::engine_ptr engine) { engine_.store(std::move(engine)); }

std::string chat_service::welcome(const chat_session& session, bool resumed) const {
  return protocol::welcome_json(engine_.load()->greet(), session.token(), resumed);
}

std::string chat_service::error(const protocol::frame_error& error) {
  metrics_.error(error.code);
  return protocol::error_json(error);
}

std::string chat_service::answer(chat_session& session, const protocol::message_frame& message,
                                 const std::optional<std::string>& session_field) {
  const auto engine = engine_.load();
  session.touch(chat_session::clock::now());
  try {
    auto reply = session.with_conversation(
        [&](dialogue::conversation& state) { return engine->respond(state, message.text); });
    metrics_.reply(reply.intent);
    return protocol::reply_json(reply, message.id, session_field);
  } catch (const std::exception&) {
    // The engine is pure and tested; if it still throws, the visitor gets a clear error and
    // the connection lives on.
    return error({protocol::error_code::internal, "the server could not answer this message",
                  message.id});
  }
}

std::string chat_service::handle_frame(chat_session& session, std::string_view frame) {
  auto parsed = protocol::parse_client_frame(frame, rules_);
  if (auto* bad = std::get_if<protocol::frame_error>(&parsed)) return error(*bad);

  const auto& client = std::get<protocol::client_frame>(parsed);
  if (const auto* message = std::get_if<protocol::message_frame>(&client)) {
    return answer(session, *message, std::nullopt);
  }
  if (std::holds_alternative<protocol::reset_frame>(client)) {
    sessions_.reset(session);
    return welcome(session, false);
  }
  return protocol::pong_json();
}

std::string chat_service::rate_limited(std::string_view frame) {
  // Point back at the message when the frame names one, so the client knows which was dropped.
  std::optional<std::string> reply_to;
  if (auto parsed = protocol::parse_client_frame(frame, rules_);
      const auto* client = std::get_if<protocol::client_frame>(&parsed)) {
    if (const auto* message = std::get_if<protocol::message_frame>(client)) reply_to = message->id;
  }
  return error({protocol::error_code::rate_limited,
                "too many messages; wait a moment before sending more", reply_to});
}

chat_service::http_answer chat_service::handle_http(std::string_view body) {
  auto parsed = protocol::parse_chat_request(body, rules_);
  if (auto* bad = std::get_if<protocol::frame_error>(&parsed)) return {400, error(*bad)};
  auto& request = std::get<protocol::chat_request>(parsed);
  auto lookup = sessions_.open(request.session ? &*request.session : nullptr);
  return {200, answer(*lookup.session, request.message, lookup.session->token())};
}

}  // namespace advisor::server
