#include "server/chat_service.hpp"

#include <spdlog/logger.h>
#include <boost/asio/post.hpp>

#include <exception>

#include "handoff/lead_store.hpp"

namespace advisor::server {

namespace net = boost::asio;

struct chat_service::answered {
  bool ok = true;  // false: `frame` is an `internal` error
  std::string frame;
};

namespace {

dialogue::turn_context context_now(const dialogue::slot_calendar& calendar) {
  return {std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()),
          &calendar};
}

}  // namespace

chat_service::chat_service(dialogue::engine_ptr engine, session_store& sessions, metrics& counters,
                           protocol::frame_rules rules, chat_storage storage,
                           std::function<void()> booked, spdlog::logger& log,
                           std::chrono::milliseconds db_wait)
    : engine_{std::move(engine)},
      sessions_{sessions},
      metrics_{counters},
      rules_{rules},
      storage_{std::move(storage)},
      booked_{std::move(booked)},
      log_{log},
      db_wait_{db_wait} {}

void chat_service::replace_engine(dialogue::engine_ptr engine) {
  engine_.store(std::move(engine));
}

std::string chat_service::welcome(const chat_session& session, bool resumed) const {
  return protocol::welcome_json(engine_.load()->greet(), session.token(), resumed, rules_);
}

std::string chat_service::error(const protocol::frame_error& error) {
  metrics_.error(error.code);
  return protocol::error_json(error);
}

void chat_service::answer(const std::shared_ptr<chat_session>& session,
                          const protocol::message_frame& message, bool with_session,
                          std::function<void(answered)> done) {
  const auto engine = engine_.load();
  session->touch(chat_session::clock::now());
  const auto session_field =
      with_session ? std::optional<std::string>{session->token()} : std::nullopt;
  dialogue::reply reply;
  try {
    reply = session->with_conversation([&](dialogue::conversation& state) {
      return engine->respond(state, message.text, context_now(storage_.leads));
    });
  } catch (const std::exception& e) {
    // The engine is pure and tested; if it still throws, the visitor gets a clear error and
    // the connection lives on.
    log_.error("engine failed on a message: {}", e.what());
    return done({false, error({protocol::error_code::internal,
                               "the server could not answer this message", message.id})});
  }

  if (reply.to_store) {
    return finish_booking(session, message, with_session, std::move(*reply.to_store),
                          std::move(done));
  }
  metrics_.reply(reply.intent);
  if (observer_) observer_(message.text, reply);
  auto frame = protocol::reply_json(reply, message.id, session_field);
  if (!reply.form) {
    sessions_.mark_dirty(session);  // saved with the next batch
    return done({true, std::move(frame)});
  }

  // A form in progress is saved before the visitor sees the next question, so a restart
  // right after cannot lose what was typed. A database locked by another process delays the
  // answer by db_wait at most (the form is then saved with the next batch).
  const auto deadline = std::chrono::steady_clock::now() + db_wait_;
  net::post(storage_.conversations_writer,
            [this, session, deadline, frame = std::move(frame), done = std::move(done)]() mutable {
              save_now(session, deadline);
              done({true, std::move(frame)});
            });
}

void chat_service::finish_booking(const std::shared_ptr<chat_session>& session,
                                  const protocol::message_frame& message, bool with_session,
                                  dialogue::booking_request request,
                                  std::function<void(answered)> done) {
  // However many writes are queued before it, the visitor hears back within db_wait.
  const auto deadline = std::chrono::steady_clock::now() + db_wait_;
  net::post(
      storage_.leads_writer, [this, session, message, with_session, deadline,
                              request = std::move(request), done = std::move(done)]() mutable {
        const auto ctx = context_now(storage_.leads);
        dialogue::booking_outcome outcome;
        bool again = false;
        try {
          const handoff::lead_store::wait_limit limit{deadline};
          const auto stored = storage_.leads.book(request, ctx.now);  // returns after COMMIT
          outcome.result = stored.result == handoff::book_result::kind::stored
                               ? dialogue::booking_outcome::kind::stored
                               : dialogue::booking_outcome::kind::slot_taken;
          outcome.reference = stored.reference;
          again = stored.again;
        } catch (const handoff::store_unavailable& e) {
          // Not acknowledged: the visitor is asked to try again while the store reconnects.
          log_.warn(
              "the database is unavailable: a booking waits for the visitor to try again "
              "({})",
              e.what());
          outcome.result = dialogue::booking_outcome::kind::busy;
        } catch (const handoff::store_busy& e) {
          log_.warn(
              "the database stayed locked for {} ms: a booking waits for the visitor to try "
              "again ({})",
              db_wait_.count(), e.what());
          outcome.result = dialogue::booking_outcome::kind::busy;
        } catch (const std::exception& e) {
          log_.error("cannot store a booking: {}", e.what());
          outcome.result = dialogue::booking_outcome::kind::failed;
        }
        switch (outcome.result) {
          case dialogue::booking_outcome::kind::stored:
            if (again) {  // the visitor's own booking, confirmed once more: nothing new stored
              log_.info("booking {} confirmed again", outcome.reference);
              break;
            }
            log_.info("booking {} stored", outcome.reference);  // no name or email in logs
            metrics_.booking(metrics::booking_result::stored);
            booked_();
            break;
          case dialogue::booking_outcome::kind::slot_taken:
            metrics_.booking(metrics::booking_result::slot_taken);
            break;
          case dialogue::booking_outcome::kind::failed:
          case dialogue::booking_outcome::kind::busy:
            metrics_.booking(metrics::booking_result::failed);
            break;
        }
        const auto engine = engine_.load();
        dialogue::reply reply;
        try {
          reply = session->with_conversation([&](dialogue::conversation& state) {
            return engine->complete_booking(state, outcome, ctx);
          });
        } catch (const std::exception& e) {
          log_.error("engine failed completing a booking: {}", e.what());
          return done({false, error({protocol::error_code::internal,
                                     "the server could not answer this message", message.id})});
        }
        metrics_.reply(reply.intent);
        auto frame = protocol::reply_json(
            reply, message.id,
            with_session ? std::optional<std::string>{session->token()} : std::nullopt);
        // The conversation after the booking is saved durably before the confirmation goes out.
        net::post(storage_.conversations_writer, [this, session, deadline, frame = std::move(frame),
                                                  done = std::move(done)]() mutable {
          save_now(session, deadline);
          done({true, std::move(frame)});
        });
      });
}

bool chat_service::save_now(const std::shared_ptr<chat_session>& session,
                            std::chrono::steady_clock::time_point deadline) {
  try {
    const handoff::lead_store::wait_limit limit{deadline};
    const auto versions = storage_.conversations.save_sessions(
        {session_store::snapshot(*session)},
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    // 0: a tab on another instance saved this session first; this one continues from it.
    sessions_.saved(session, versions.front());
    return versions.front() != 0;
  } catch (const handoff::store_busy& e) {
    // The reply still goes out; the next batch tries again.
    log_.warn("the database stayed locked: a conversation is saved later ({})", e.what());
  } catch (const std::exception& e) {
    log_.error("cannot save a conversation: {}", e.what());
  }
  sessions_.mark_dirty(session);
  return false;
}

void chat_service::handle_frame(const std::shared_ptr<chat_session>& session,
                                std::string_view frame, send_fn send) {
  auto parsed = protocol::parse_client_frame(frame, rules_);
  if (auto* bad = std::get_if<protocol::frame_error>(&parsed)) return send(error(*bad));

  const auto& client = std::get<protocol::client_frame>(parsed);
  if (const auto* message = std::get_if<protocol::message_frame>(&client)) {
    return answer(session, *message, false,
                  [send = std::move(send)](answered a) { send(std::move(a.frame)); });
  }
  if (std::holds_alternative<protocol::reset_frame>(client)) {
    sessions_.reset(session);
    return send(welcome(*session, false));
  }
  if (const auto* hello = std::get_if<protocol::hello_frame>(&client)) {
    protocol::place taken;
    if (auto bad = place_visitor(session, hello->where, taken)) return send(error(*bad));
    return send(protocol::hello_json(taken));
  }
  send(protocol::pong_json());
}

std::optional<protocol::frame_error> chat_service::place_visitor(
    const std::shared_ptr<chat_session>& session, const protocol::place& where,
    protocol::place& taken) {
  const auto engine = engine_.load();
  std::optional<std::string> problem;
  session->with_conversation([&](dialogue::conversation& state) {
    problem = engine->place_visitor(state, where.time_zone, where.locale);
    if (!state.visitor.time_zone.empty()) taken.time_zone = state.visitor.time_zone;
    if (!state.visitor.locale.empty()) taken.locale = state.visitor.locale;
  });
  if (problem) return protocol::frame_error{protocol::error_code::bad_message, *problem, {}};
  if (where.time_zone || where.locale) sessions_.mark_dirty(session);
  return std::nullopt;
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

void chat_service::handle_http(std::string_view body, std::function<void(http_answer)> done) {
  auto parsed = protocol::parse_chat_request(body, rules_);
  if (auto* bad = std::get_if<protocol::frame_error>(&parsed)) return done({400, error(*bad)});
  auto& request = std::get<protocol::chat_request>(parsed);
  // A bad zone is refused before a session is opened for it: bad input changes nothing.
  if (request.where.time_zone) {
    if (auto problem = dialogue::check_visitor_zone(*request.where.time_zone)) {
      return done({400, error({protocol::error_code::bad_message, *problem, request.message.id})});
    }
  }
  auto lookup = sessions_.open(request.session ? &*request.session : nullptr);
  protocol::place taken;
  if (auto bad = place_visitor(lookup.session, request.where, taken)) {
    return done({400, error(*bad)});
  }
  answer(lookup.session, request.message, true, [done = std::move(done)](answered a) {
    done({a.ok ? 200U : 500U, std::move(a.frame)});
  });
}

}  // namespace advisor::server
