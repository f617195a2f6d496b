#include "server/admin_api.hpp"

#include <date/tz.h>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "handoff/lead_export.hpp"
#include "handoff/lead_store.hpp"
#include "server/admin_state.hpp"

#ifndef ADVISOR_VERSION
#define ADVISOR_VERSION "unknown"
#endif

namespace advisor::server {
namespace {

using json = nlohmann::json;
constexpr std::string_view api_prefix = "/api/admin/";
constexpr std::string_view leads_path = "/api/admin/leads";
constexpr std::size_t max_query_bytes = 200;    // a search is a name or a reference, not a book
constexpr std::size_t max_review_groups = 500;  // a page a person can read

http::response<http::string_body> reply(const request& req, http::status status,
                                        std::string_view type, std::string body) {
  http::response<http::string_body> res{status, req.version()};
  res.set(http::field::server, "advisor");
  res.set("X-Content-Type-Options", "nosniff");
  res.set(http::field::cache_control, "no-store");
  res.set(http::field::content_type, type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();
  return res;
}

http::response<http::string_body> json_reply(const request& req, http::status status,
                                             const json& body) {
  // A visitor's text may hold bytes that are not UTF-8 (a line cut mid-character): replaced,
  // as the lead export does, rather than a failed page.
  return reply(req, status, "application/json",
               body.dump(-1, ' ', false, json::error_handler_t::replace));
}

http::response<http::string_body> error(const request& req, http::status status,
                                        std::string_view message) {
  return json_reply(req, status, {{"type", "error"}, {"code", "http"}, {"message", message}});
}

bool is_get(const request& req) {
  return req.method() == http::verb::get || req.method() == http::verb::head;
}

// "Thu 03 Dec 2026, 14:00 CET": how the consultancy (or the visitor) reads the slot.
std::string in_zone(handoff::time_point t, const std::string& zone) {
  if (zone.empty()) return {};
  try {
    const auto local = date::make_zoned(zone, std::chrono::floor<std::chrono::minutes>(t));
    return date::format("%a %d %b %Y, %H:%M %Z", local);
  } catch (const std::exception&) {
    return {};  // a zone this build does not know: the UTC time still says it
  }
}

// `configured`: whether a webhook URL is set; without one a pending delivery just waits.
json delivery_json(const handoff::lead& l, bool configured) {
  const char* state = l.delivered ? "delivered" : l.dead_letter ? "stopped" : "pending";
  json out{{"state", state},
           {"attempts", l.attempts},
           {"last_error", l.last_error},
           {"configured", configured}};
  out["next_attempt"] = l.next_attempt ? json(handoff::iso8601(*l.next_attempt)) : json(nullptr);
  return out;
}

json console_lead(const handoff::lead& l, bool webhook_configured) {
  return {
      {"reference", l.reference},
      {"created_at", handoff::iso8601(l.created_at)},
      {"slot",
       {{"utc", handoff::iso8601(l.slot_start)},
        {"minutes", l.slot_length.count()},
        {"zone", l.time_zone},
        {"local", in_zone(l.slot_start, l.time_zone)},
        {"visitor_zone", l.visitor_time_zone},
        {"visitor_local", in_zone(l.slot_start, l.visitor_time_zone)}}},
      {"name", l.name},
      {"email", l.email},
      {"company", l.company},
      {"project", l.project},
      {"recommendation", l.recommendation ? json(*l.recommendation) : json(nullptr)},
      {"topics", l.topics},
      {"delivery", delivery_json(l, webhook_configured)},
      {"transcript", json(handoff::transcript_array(l.transcript))},
  };
}

std::string lower(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The search matches the reference, name, email, company or project, ignoring case.
bool matches(const handoff::lead& l, const std::string& query) {
  if (query.empty()) return true;
  for (const auto* field : {&l.reference, &l.name, &l.email, &l.company, &l.project}) {
    if (lower(*field).find(query) != std::string::npos) return true;
  }
  return false;
}

// Newest first; the search (if any) applied.
std::vector<handoff::lead> found_leads(server_context& ctx, const std::string& query) {
  auto leads = ctx.leads.leads();
  std::erase_if(leads, [&](const handoff::lead& l) { return !matches(l, query); });
  std::stable_sort(leads.begin(), leads.end(),
                   [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
  return leads;
}

http::response<http::string_body> leads_response(const request& req, server_context& ctx,
                                                 const boost::urls::url_view& target, bool csv) {
  if (!is_get(req)) return error(req, http::status::method_not_allowed, "method not allowed");
  std::string query;
  if (auto it = target.params().find("q"); it != target.params().end() && (*it).has_value) {
    query = (*it).value;
  }
  if (query.size() > max_query_bytes) {
    return error(req, http::status::bad_request, "the search is too long");
  }
  const auto leads = found_leads(ctx, lower(query));
  if (csv) {
    auto res = reply(req, http::status::ok, "text/csv; charset=utf-8", handoff::leads_csv(leads));
    res.set(http::field::content_disposition, "attachment; filename=\"leads.csv\"");
    return res;
  }
  json out{{"leads", json::array()}, {"time_zone", ctx.settings.hours.time_zone}};
  const bool configured = !ctx.settings.webhook.url.empty();
  for (const auto& l : leads) out["leads"].push_back(console_lead(l, configured));
  return json_reply(req, http::status::ok, out);
}

// DELETE /api/admin/leads/<reference>: the booking and everything stored with it.
http::response<http::string_body> delete_response(const request& req, server_context& ctx,
                                                  std::string_view reference) {
  if (req.method() != http::verb::delete_) {
    return error(req, http::status::method_not_allowed, "method not allowed");
  }
  const bool valid = reference.size() > 4 && reference.size() <= 32 &&
                     std::all_of(reference.begin(), reference.end(),
                                 [](unsigned char c) { return std::isalnum(c) != 0 || c == '-'; });
  if (!valid) return error(req, http::status::bad_request, "not a booking reference");
  const handoff::lead_store::wait_limit limit{std::chrono::steady_clock::now() +
                                              ctx.settings.db_wait};
  if (!ctx.leads.remove(std::string{reference})) {
    return error(req, http::status::not_found, "no such booking");
  }
  ctx.log.info("admin: deleted booking {}", reference);  // the reference only: no PII in logs
  return json_reply(req, http::status::ok, {{"deleted", reference}});
}

// GET: the questions to review, newest first. DELETE ?key=...: one group dealt with.
http::response<http::string_body> review_response(const request& req, server_context& ctx,
                                                  const boost::urls::url_view& target) {
  auto* store = ctx.admin->review();
  if (req.method() == http::verb::delete_) {
    const auto it = target.params().find("key");
    if (it == target.params().end() || !(*it).has_value || (*it).value.size() > 4000) {
      return error(req, http::status::bad_request, "which group: ?key=");
    }
    if (store == nullptr || !store->remove((*it).value)) {
      return error(req, http::status::not_found, "no such question");
    }
    return json_reply(req, http::status::ok, {{"deleted", (*it).value}});
  }
  if (!is_get(req)) return error(req, http::status::method_not_allowed, "method not allowed");
  json out{{"enabled", store != nullptr},
           {"retention_days", ctx.admin->review_retention_days()},
           {"groups", json::array()}};
  if (store == nullptr) return json_reply(req, http::status::ok, out);
  for (const auto& g : store->recent(max_review_groups)) {
    out["groups"].push_back({{"key", g.key},
                             {"text", g.text},
                             {"reply", g.reply},
                             {"intent", g.intent},
                             {"confidence", g.confidence},
                             {"count", g.count},
                             {"first_seen", handoff::iso8601(g.first_seen)},
                             {"last_seen", handoff::iso8601(g.last_seen)}});
  }
  return json_reply(req, http::status::ok, out);
}

json health_json(server_context& ctx, admin_state& admin) {
  metrics::samples now;
  now.sessions = ctx.chat.sessions().size();
  const bool storage = ctx.leads.ping();
  if (storage) {
    now.pending_deliveries = ctx.leads.pending_deliveries();
    now.dead_letters = ctx.leads.dead_letters();
    now.endpoints_gone = ctx.leads.gone_endpoints().size();
  }
  const auto samples = parse_samples(ctx.counters.render(now));
  // Counters and gauges are whole numbers; the text format writes them as floats.
  auto count = [&samples](const std::string& name) {
    const auto it = samples.find(name);
    return it == samples.end() ? std::uint64_t{0} : static_cast<std::uint64_t>(it->second);
  };
  const auto wall = std::chrono::system_clock::now();
  const auto load = admin.last_load();
  const auto replies = admin.replies_last_hour();
  using std::chrono::floor;
  using std::chrono::seconds;
  return {
      {"version", ADVISOR_VERSION},
      {"started_at", handoff::iso8601(floor<std::chrono::milliseconds>(admin.started_at()))},
      {"uptime_seconds", floor<seconds>(wall - admin.started_at()).count()},
      {"storage", storage ? "ok" : "unavailable"},
      {"knowledge",
       {{"loaded_at", handoff::iso8601(floor<std::chrono::milliseconds>(load.at))},
        {"files", load.files}}},
      {"reloads",
       {{"ok", count("advisor_engine_reloads_total{result=\"ok\"}")},
        {"failed", count("advisor_engine_reloads_total{result=\"failed\"}")}}},
      {"connections", count("advisor_websocket_connections")},
      {"sessions", now.sessions},
      {"replies_last_hour",
       {{"since", handoff::iso8601(floor<std::chrono::milliseconds>(replies.since))},
        {"by_intent", replies.by_intent}}},
      {"webhook",
       {{"configured", !ctx.settings.webhook.url.empty()},
        {"pending", now.pending_deliveries},
        {"stopped", now.dead_letters},
        {"endpoints_gone", now.endpoints_gone}}},
  };
}

http::response<http::string_body> api_response(request& req, server_context& ctx,
                                               const boost::urls::url_view& target) {
  const std::string path{target.encoded_path()};
  if (path == leads_path || path == "/api/admin/leads.csv") {
    return leads_response(req, ctx, target, path.ends_with(".csv"));
  }
  if (path.starts_with(std::string{leads_path} + '/')) {
    return delete_response(req, ctx, std::string_view{path}.substr(leads_path.size() + 1));
  }
  if (path == "/api/admin/review") return review_response(req, ctx, target);
  if (path == "/api/admin/health") {
    if (!is_get(req)) return error(req, http::status::method_not_allowed, "method not allowed");
    return json_reply(req, http::status::ok, health_json(ctx, *ctx.admin));
  }
  return error(req, http::status::not_found, "not found");
}

// The token check, after the per-address allowance for wrong tokens.
std::optional<http::response<http::string_body>> refusal(const request& req, server_context& ctx,
                                                         const std::string& client) {
  const auto now = admin_guard::clock::now();
  auto& guard = ctx.admin->guard();
  if (!guard.may_try(client, now)) {
    auto res = error(req, http::status::too_many_requests, "too many wrong tokens; wait a moment");
    res.set(http::field::retry_after, "5");
    return res;
  }
  if (authorized(req, ctx.settings.admin_token)) return std::nullopt;
  guard.failed(client, now);
  ctx.log.warn("admin API: a request with a wrong or missing token was refused");
  auto res = error(req, http::status::unauthorized, "a valid admin token is required");
  res.set(http::field::www_authenticate, "Bearer realm=\"advisor\"");
  return res;
}

http::message_generator route_admin(request& req, server_context& ctx, const std::string& client,
                                    unsigned& status) {
  auto counted = [&status](http::response<http::string_body>&& res) {
    status = res.result_int();
    return http::message_generator{std::move(res)};
  };
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target) return counted(error(req, http::status::bad_request, "bad request target"));
  // Without a token the console does not exist: not even its page is served.
  if (ctx.settings.admin_token.empty() || ctx.admin == nullptr) {
    return counted(error(req, http::status::not_found, "not found"));
  }
  const std::string path{target->encoded_path()};
  if (!path.starts_with(api_prefix)) {
    return serve_file(req, ctx, path == "/admin" ? "/admin.html" : path, status);
  }
  if (auto refused = refusal(req, ctx, client)) return counted(std::move(*refused));
  try {
    return counted(api_response(req, ctx, *target));
  } catch (const std::exception& e) {
    ctx.log.error("admin API: storage error: {}", e.what());
    return counted(error(req, http::status::internal_server_error, "storage error"));
  }
}

}  // namespace

bool is_admin_request(const request& req) {
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target) return false;
  const auto path = target->encoded_path();
  return path == "/admin" || path == "/admin.html" || path == "/admin.js" || path == "/admin.css" ||
         path.starts_with(api_prefix);
}

http::message_generator handle_admin(request&& req, server_context& ctx,
                                     const std::string& client) {
  unsigned status = 500;
  auto message = route_admin(req, ctx, client, status);
  ctx.counters.http_request(status);
  return message;
}

}  // namespace advisor::server
