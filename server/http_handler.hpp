#pragma once
// Request handling as free functions (as in Beast's examples): the session owns the socket,
// these decide what to answer.

#include <boost/beast/http.hpp>

#include <optional>
#include <string>

#include "server/server_context.hpp"

namespace advisor::server {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;

// Every non-upgrade request: API, health, metrics and static files.
http::message_generator handle_request(request&& req, server_context& ctx);

// POST /api/chat is answered asynchronously (a booking is stored first): the session asks
// `is_chat_post`, runs chat_service::handle_http, then sends `chat_response`.
bool is_chat_post(const request& req);
http::response<http::string_body> chat_response(const request& req, unsigned status,
                                                std::string body, server_context& ctx);

// A WebSocket upgrade: either go ahead (with the session token to resume, if any) or
// answer with `refusal` (403 for a foreign Origin, 404 for another path).
struct upgrade_decision {
  std::optional<http::response<http::string_body>> refusal;
  std::optional<std::string> session_token;
};
upgrade_decision decide_upgrade(const request& req, const config& settings);

// 503 with Retry-After: --max-connections WebSockets are open.
http::response<http::string_body> too_many_connections(const request& req);
// 429 with Retry-After: --max-connections-per-address WebSockets are open from this client.
http::response<http::string_body> too_many_from_address(const request& req);

// A file of the web root (GET or HEAD), with its ETag, gzip and, for pages, the strict
// Content-Security-Policy; `status` is set to the status answered.
http::message_generator serve_file(const request& req, server_context& ctx, std::string_view path,
                                   unsigned& status);

// Whether the request carries `Authorization: Bearer <admin_token>` (compared in constant time).
bool authorized(const request& req, const std::string& admin_token);

// An answer for a request the parser refused (413 body too large, 431, 400).
http::response<http::string_body> error_response(http::status status, unsigned version,
                                                 std::string_view message);

}  // namespace advisor::server
