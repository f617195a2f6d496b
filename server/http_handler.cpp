#include "server/http_handler.hpp"

#include <boost/beast/core/file.hpp>
#include <boost/beast/version.hpp>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace advisor::server {
namespace {

constexpr std::string_view json_type = "application/json";

template <class Body>
void common_headers(http::response<Body>& res, const request& req) {
  res.set(http::field::server, "advisor");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
}

http::response<http::string_body> text_response(const request& req, http::status status,
                                                std::string_view content_type, std::string body) {
  http::response<http::string_body> res{status, req.version()};
  common_headers(res, req);
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();  // length stays that of GET
  return res;
}

http::response<http::string_body> json_error(const request& req, http::status status,
                                             std::string_view message) {
  auto body = nlohmann::json{{"type", "error"},
                             {"code", status == http::status::bad_request ? "bad_message" : "http"},
                             {"message", message},
                             {"reply_to", nullptr}}
                  .dump();
  return text_response(req, status, json_type, std::move(body));
}

http::response<http::string_body> method_not_allowed(const request& req, std::string_view allow) {
  auto res = json_error(req, http::status::method_not_allowed, "method not allowed");
  res.set(http::field::allow, allow);
  return res;
}

bool is_get(const request& req) {
  return req.method() == http::verb::get || req.method() == http::verb::head;
}

http::message_generator serve_file(const request& req, server_context& ctx,
                                   std::string_view path, unsigned& status) {
  status = 405;
  if (!is_get(req)) return method_not_allowed(req, "GET, HEAD");
  auto resolved = ctx.files.resolve(path);
  if (const auto* refused = std::get_if<unsigned>(&resolved)) {
    status = *refused;
    return json_error(req, static_cast<http::status>(*refused),
                      *refused == 400 ? "bad path" : "not found");
  }
  const auto& file = std::get<static_file>(resolved);

  boost::beast::error_code ec;
  http::file_body::value_type body;
  body.open(file.path.c_str(), boost::beast::file_mode::scan, ec);
  status = 404;
  if (ec) return json_error(req, http::status::not_found, "not found");
  status = 200;

  http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                      std::make_tuple(http::status::ok, req.version())};
  common_headers(res, req);
  res.set(http::field::content_type, file.content_type);
  res.set(http::field::cache_control, "no-cache");
  res.prepare_payload();
  if (req.method() == http::verb::head) {
    http::response<http::empty_body> head{http::status::ok, req.version()};
    common_headers(head, req);
    head.set(http::field::content_type, file.content_type);
    head.content_length(res.payload_size());
    return head;
  }
  return res;
}

}  // namespace

http::response<http::string_body> error_response(http::status status, unsigned version,
                                                 std::string_view message) {
  request req{http::verb::get, "/", version};
  auto res = json_error(req, status, message);
  res.keep_alive(false);
  return res;
}

namespace {

http::message_generator route(request& req, server_context& ctx, unsigned& status) {
  auto counted = [&status](auto&& res) {
    status = res.result_int();
    return http::message_generator{std::forward<decltype(res)>(res)};
  };
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target) return counted(json_error(req, http::status::bad_request, "bad request target"));
  const auto path = target->encoded_path();

  if (path == "/api/chat") {
    if (req.method() != http::verb::post) return counted(method_not_allowed(req, "POST"));
    auto answer = ctx.chat.handle_http(req.body());
    return counted(text_response(req, static_cast<http::status>(answer.status), json_type,
                                 std::move(answer.body)));
  }
  if (path == "/healthz" || path == "/readyz") {
    if (!is_get(req)) return counted(method_not_allowed(req, "GET, HEAD"));
    // Knowledge is loaded before the port opens, so serving means ready.
    return counted(text_response(req, http::status::ok, json_type,
                                 path == "/healthz" ? R"({"status":"ok"})" : R"({"status":"ready"})"));
  }
  if (path == "/metrics") {
    if (!is_get(req)) return counted(method_not_allowed(req, "GET, HEAD"));
    return counted(text_response(req, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                                 ctx.counters.render(ctx.chat.sessions().size())));
  }
  if (path == "/ws") {
    return counted(
        json_error(req, http::status::upgrade_required, "this endpoint speaks WebSocket"));
  }
  return serve_file(req, ctx, path, status);
}

}  // namespace

http::message_generator handle_request(request&& req, server_context& ctx) {
  unsigned status = 500;
  auto message = route(req, ctx, status);
  ctx.counters.http_request(status);
  return message;
}

upgrade_decision decide_upgrade(const request& req, const config& settings) {
  upgrade_decision decision;
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target || target->encoded_path() != "/ws") {
    decision.refusal = json_error(req, http::status::not_found, "not found");
    return decision;
  }
  // Browsers always send Origin; other clients may not, and are not what the check is for.
  const auto origin = req[http::field::origin];
  if (!origin.empty() && !settings.allowed_origins.empty() &&
      std::find(settings.allowed_origins.begin(), settings.allowed_origins.end(), origin) ==
          settings.allowed_origins.end()) {
    decision.refusal = json_error(req, http::status::forbidden, "origin not allowed");
    return decision;
  }
  const auto params = target->params();
  if (auto it = params.find("session"); it != params.end() && (*it).has_value) {
    decision.session_token = std::string{(*it).value};
  }
  return decision;
}

}  // namespace advisor::server
