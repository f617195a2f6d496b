#include "server/http_handler.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/version.hpp>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

#include "handoff/calendar.hpp"
#include "handoff/lead_export.hpp"
#include "handoff/lead_store.hpp"

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
  auto body = nlohmann::json{
      {"type", "error"},
      {"code", status == http::status::bad_request ? "bad_message" : "http"},
      {"message", message},
      {"reply_to",
       nullptr}}.dump();
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

// Whether the client takes gzip: the first of "gzip" and "*" in Accept-Encoding decides, and
// q=0 ("0.0", "0.000") refuses it. Beast's ext_list reads the list and its parameters.
bool accepts_gzip(const request& req) {
  for (const auto& [coding, params] : http::ext_list{req[http::field::accept_encoding]}) {
    if (coding != "gzip" && coding != "*") continue;
    for (const auto& [name, value] : params) {
      if (name == "q")
        return !(value.starts_with('0') && value.find_first_not_of("0.") == value.npos);
    }
    return true;
  }
  return false;
}

bool etag_matches(const request& req, const std::string& etag) {
  const auto header = req[http::field::if_none_match];
  return header == "*" || header.find(etag) != std::string_view::npos;
}

// The pages the server serves load their scripts and styles from itself only and run no
// inline code, so injected markup could run nothing; the widget's styles are a constructed
// sheet (CSSOM), which the policy allows. 'self' covers the same-origin ws: and wss: URLs.
constexpr std::string_view page_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

}  // namespace

http::message_generator serve_file(const request& req, server_context& ctx, std::string_view path,
                                   unsigned& status) {
  status = 405;
  if (!is_get(req)) return method_not_allowed(req, "GET, HEAD");
  auto loaded = ctx.files.load(path);
  if (const auto* refused = std::get_if<unsigned>(&loaded)) {
    status = *refused;
    return json_error(req, static_cast<http::status>(*refused),
                      *refused == 400 ? "bad path" : "not found");
  }
  const auto& file = *std::get<std::shared_ptr<const cached_file>>(loaded);

  http::response<http::string_body> res{http::status::ok, req.version()};
  common_headers(res, req);
  res.set(http::field::etag, file.etag);
  res.set(http::field::vary, "Accept-Encoding");
  // Pages revalidate every time; the widget may be cached for a few minutes by the sites
  // that embed it, then revalidated by its ETag.
  const bool page = file.content_type.starts_with("text/html");
  res.set(http::field::cache_control, page ? "no-cache" : "public, max-age=300, must-revalidate");
  if (page) res.set("Content-Security-Policy", page_policy);
  if (etag_matches(req, file.etag)) {
    status = 304;
    res.result(http::status::not_modified);
    return res;
  }
  status = 200;
  res.set(http::field::content_type, file.content_type);
  const bool gzipped = !file.gzipped.empty() && accepts_gzip(req);
  if (gzipped) res.set(http::field::content_encoding, "gzip");
  res.body() = gzipped ? file.gzipped : file.body;
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();  // headers as for GET
  return res;
}

// Bearer token check in constant time: both sides are hashed first so that neither the
// content nor the length of the configured token leaks through timing.
bool authorized(const request& req, const std::string& admin_token) {
  constexpr std::string_view scheme = "Bearer ";
  const auto header = req[http::field::authorization];
  if (header.size() <= scheme.size() || header.substr(0, scheme.size()) != scheme) return false;
  const auto given = header.substr(scheme.size());
  unsigned char a[SHA256_DIGEST_LENGTH];
  unsigned char b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(admin_token.data()), admin_token.size(), b);
  return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

namespace {

http::response<http::string_body> leads_response(const request& req, server_context& ctx,
                                                 bool csv) {
  if (!is_get(req)) return method_not_allowed(req, "GET, HEAD");
  // Without a configured token the admin API does not exist.
  if (ctx.settings.admin_token.empty())
    return json_error(req, http::status::not_found, "not found");
  if (!authorized(req, ctx.settings.admin_token)) {
    auto res = json_error(req, http::status::unauthorized, "a valid admin token is required");
    res.set(http::field::www_authenticate, "Bearer realm=\"advisor\"");
    return res;
  }
  try {
    const auto leads = ctx.leads.leads();
    if (csv) {
      auto res = text_response(req, http::status::ok, "text/csv; charset=utf-8",
                               handoff::leads_csv(leads));
      res.set(http::field::content_disposition, "attachment; filename=\"leads.csv\"");
      return res;
    }
    return text_response(req, http::status::ok, json_type, handoff::leads_json(leads));
  } catch (const std::exception& e) {
    ctx.log.error("cannot read leads: {}", e.what());
    return json_error(req, http::status::internal_server_error, "storage error");
  }
}

// /api/bookings/<reference>.ics: the slot only, so the reference alone is enough.
http::response<http::string_body> ics_response(const request& req, server_context& ctx,
                                               std::string_view path) {
  constexpr std::string_view prefix = "/api/bookings/";
  constexpr std::string_view suffix = ".ics";
  if (!is_get(req)) return method_not_allowed(req, "GET, HEAD");
  if (path.size() <= prefix.size() + suffix.size() || !path.ends_with(suffix)) {
    return json_error(req, http::status::not_found, "not found");
  }
  const std::string reference{
      path.substr(prefix.size(), path.size() - prefix.size() - suffix.size())};
  std::optional<handoff::lead> booking;
  try {
    booking = ctx.leads.find(reference);
  } catch (const std::exception& e) {
    ctx.log.error("cannot read a booking: {}", e.what());
    return json_error(req, http::status::internal_server_error, "storage error");
  }
  if (!booking) return json_error(req, http::status::not_found, "no such booking");
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto res = text_response(req, http::status::ok, "text/calendar; charset=utf-8",
                           handoff::consultation_ics(*booking, now, ctx.settings.organizer));
  res.set(http::field::content_disposition,
          "attachment; filename=\"consultation-" + reference + ".ics\"");
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

  if (path == "/api/chat") return counted(method_not_allowed(req, "POST"));  // POST: is_chat_post
  if (path == "/healthz" || path == "/readyz") {
    if (!is_get(req)) return counted(method_not_allowed(req, "GET, HEAD"));
    // Knowledge is loaded before the port opens; the store may come and go (a database
    // server): a load balancer sends new visitors elsewhere while it is away.
    if (path == "/readyz" && !ctx.leads.ping()) {
      return counted(text_response(req, http::status::service_unavailable, json_type,
                                   R"({"status":"storage unavailable"})"));
    }
    return counted(
        text_response(req, http::status::ok, json_type,
                      path == "/healthz" ? R"({"status":"ok"})" : R"({"status":"ready"})"));
  }
  if (path == "/api/leads" || path == "/api/leads.csv") {
    return counted(leads_response(req, ctx, path == "/api/leads.csv"));
  }
  if (path.starts_with("/api/bookings/")) return counted(ics_response(req, ctx, path));
  if (path == "/metrics") {
    if (!is_get(req)) return counted(method_not_allowed(req, "GET, HEAD"));
    metrics::samples now;
    now.sessions = ctx.chat.sessions().size();
    try {
      now.pending_deliveries = ctx.leads.pending_deliveries();
      now.dead_letters = ctx.leads.dead_letters();
      now.endpoints_gone = ctx.leads.gone_endpoints().size();
    } catch (const std::exception& e) {
      ctx.log.error("cannot count pending deliveries: {}", e.what());
    }
    return counted(text_response(req, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                                 ctx.counters.render(now)));
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

bool is_chat_post(const request& req) {
  auto target = boost::urls::parse_origin_form(req.target());
  return target && target->encoded_path() == "/api/chat" && req.method() == http::verb::post;
}

http::response<http::string_body> chat_response(const request& req, unsigned status,
                                                std::string body, server_context& ctx) {
  ctx.counters.http_request(status);
  return text_response(req, static_cast<http::status>(status), json_type, std::move(body));
}

http::response<http::string_body> too_many_connections(const request& req) {
  auto res = json_error(req, http::status::service_unavailable,
                        "too many connections; try again in a moment");
  res.set(http::field::retry_after, "1");
  res.keep_alive(false);
  return res;
}

http::response<http::string_body> too_many_from_address(const request& req) {
  auto res = json_error(req, http::status::too_many_requests,
                        "too many connections from your address; close one and try again");
  // Its connections are long-lived: asking again at once would be refused again.
  res.set(http::field::retry_after, "10");
  res.keep_alive(false);
  return res;
}

namespace {

// RFC 6455 section 4.2.1: the key is 16 bytes in base64, which is 22 characters and "==".
// Beast only checks that it is there and not too long.
bool valid_websocket_key(std::string_view key) {
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (key.size() != 24 || !key.ends_with("==")) return false;
  return key.substr(0, 22).find_first_not_of(alphabet) == std::string_view::npos;
}

}  // namespace

upgrade_decision decide_upgrade(const request& req, const config& settings) {
  upgrade_decision decision;
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target || target->encoded_path() != "/ws") {
    decision.refusal = json_error(req, http::status::not_found, "not found");
    return decision;
  }
  if (!valid_websocket_key(req[http::field::sec_websocket_key])) {
    decision.refusal = json_error(req, http::status::bad_request, "bad Sec-WebSocket-Key");
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
