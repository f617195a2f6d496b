#pragma once
// The wire format of chat protocol v1 (docs/protocol.md): parsing client frames and
// writing server frames. Pure: strings in, strings out.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "dialogue/engine.hpp"

namespace advisor::server::protocol {

enum class error_code { bad_json, bad_message, too_long, rate_limited, internal };
inline constexpr std::size_t error_code_count = static_cast<std::size_t>(error_code::internal) + 1;
std::string_view to_string(error_code code);

struct message_frame {
  std::string text;  // trimmed
  std::optional<std::string> id;
};
struct reset_frame {};
struct ping_frame {};
// Where the visitor is: the browser's IANA zone and language tag. Either may be missing.
struct place {
  std::optional<std::string> time_zone;  // "America/New_York"
  std::optional<std::string> locale;     // "en-US"
};
struct hello_frame {
  place where;
};
using client_frame = std::variant<message_frame, reset_frame, ping_frame, hello_frame>;

struct frame_error {
  error_code code;
  std::string message;                  // for people: what was wrong
  std::optional<std::string> reply_to;  // the frame's id, when it had a valid one
};

struct frame_rules {
  std::size_t max_text_chars = dialogue::max_message_chars;
  std::size_t max_id_chars = 64;
  std::size_t max_depth = 32;  // nesting of objects and arrays; a message needs 1
};

// A WebSocket text frame (or the body of POST /api/chat, with `allow_session`).
std::variant<client_frame, frame_error> parse_client_frame(std::string_view frame,
                                                           const frame_rules& rules);

// POST /api/chat: {"session"?: string, "text": string, "id"?: string, "time_zone"?: string,
// "locale"?: string}.
struct chat_request {
  std::optional<std::string> session;
  message_frame message;
  place where;
};
std::variant<chat_request, frame_error> parse_chat_request(std::string_view body,
                                                           const frame_rules& rules);

// The welcome carries the limits a client should apply before sending (`limits.text_chars`).
std::string welcome_json(const dialogue::welcome& welcome, std::string_view session, bool resumed,
                         const frame_rules& rules = {});
std::string reply_json(const dialogue::reply& reply, const std::optional<std::string>& reply_to,
                       const std::optional<std::string>& session = std::nullopt);
std::string error_json(const frame_error& error);
std::string pong_json();
// The answer to `hello`: the zone and locale the conversation now uses (null when unknown).
std::string hello_json(const place& taken);

}  // namespace advisor::server::protocol
