#include "server/options.hpp"

#include "server/trusted_proxies.hpp"

#include <array>
#include <sstream>

namespace advisor::server {
namespace {

// "09:00-17:00" -> minutes of the day.
bool parse_hours(const std::string& text, dialogue::availability& hours) {
  int h1 = 0, m1 = 0, h2 = 0, m2 = 0;
  char c1 = 0, dash = 0, c2 = 0;
  std::istringstream in{text};
  if (!(in >> h1 >> c1 >> m1 >> dash >> h2 >> c2 >> m2) || c1 != ':' || dash != '-' || c2 != ':') {
    return false;
  }
  const int open = h1 * 60 + m1;
  const int close = h2 * 60 + m2;
  if (m1 > 59 || m2 > 59 || open < 0 || close > 24 * 60 || open >= close) return false;
  hours.opens = std::chrono::minutes{open};
  hours.closes = std::chrono::minutes{close};
  return true;
}

// "mon-fri", "mon,wed,fri", "sat-sun" -> ISO weekdays.
bool parse_weekdays(const std::string& text, std::vector<int>& days) {
  static const std::array<std::string_view, 7> names{"mon", "tue", "wed", "thu",
                                                     "fri", "sat", "sun"};
  auto day = [&](std::string_view name) -> int {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return static_cast<int>(i) + 1;
    }
    return 0;
  };
  std::vector<int> out;
  std::istringstream in{text};
  std::string part;
  while (std::getline(in, part, ',')) {
    const auto dash = part.find('-');
    const int first = day(part.substr(0, dash));
    const int last = dash == std::string::npos ? first : day(part.substr(dash + 1));
    if (first == 0 || last == 0 || last < first) return false;
    for (int d = first; d <= last; ++d) out.push_back(d);
  }
  if (out.empty()) return false;
  days = std::move(out);
  return true;
}

}  // namespace

config default_config(std::string_view source_dir) {
  config c;
  const std::filesystem::path source{source_dir};
  c.web_root = source / "web";
  c.intents_dir = source / "intents" / "data";
  c.knowledge_dir = source / "knowledge" / "data";
  return c;
}

namespace {

// A duration flag in whole seconds (1 s to a day).
void add_seconds(CLI::App& app, const char* name, std::chrono::seconds& field, const char* help) {
  app.add_option_function<long>(
         name, [&field](long v) { field = std::chrono::seconds{v}; }, help)
      ->check(CLI::Range(1L, 86400L))
      ->default_str(std::to_string(field.count()));
}

// A duration flag in milliseconds (1 ms to a day).
void add_millis(CLI::App& app, const char* name, std::chrono::milliseconds& field,
                const char* help) {
  app.add_option_function<long>(
         name, [&field](long v) { field = std::chrono::milliseconds{v}; }, help)
      ->check(CLI::Range(1L, 86'400'000L))
      ->default_str(std::to_string(field.count()));
}

// A number flag within [low, high], its default shown.
template <typename T, typename Bound>
CLI::Option* add_bounded(CLI::App& app, const char* name, T& field, const char* help, Bound low,
                         Bound high) {
  return app.add_option(name, field, help)->check(CLI::Range(low, high))->capture_default_str();
}

// Where the service listens and what it reads and keeps.
void add_place_options(CLI::App& app, config& c) {
  app.add_option("--address", c.address, "address to listen on")->capture_default_str();
  app.add_option("--port", c.port, "port to listen on; 0 picks a free one")->capture_default_str();
  app.add_option("--threads", c.threads, "I/O threads; 0 = one per hardware thread")
      ->capture_default_str();
  app.add_option("--allow-origin", c.allowed_origins,
                 "allowed browser Origin for WebSocket (repeatable); none = any");
  app.add_option("--web-root", c.web_root, "folder of the widget and demo page")
      ->capture_default_str();
  app.add_option("--intents-dir", c.intents_dir, "folder of the intent data")
      ->capture_default_str();
  add_bounded(app, "--understanding-cache", c.understanding_cache,
              "short texts kept with what they were understood as; 0 = read every message", 0UL,
              1000000UL);
  app.add_option("--knowledge-dir", c.knowledge_dir, "folder of the guide and its data")
      ->capture_default_str();
  app.add_option("--db", c.db,
                 "SQLite file (or sqlite:FILE), or a postgresql:// URI shared by several "
                 "instances: bookings, webhook outbox and conversations")
      ->capture_default_str();
}

// How much one connection, one client address and the whole service may take.
void add_limit_options(CLI::App& app, config& c) {
  add_bounded(app, "--max-frame-bytes", c.limit.max_frame_bytes,
              "largest WebSocket message accepted (larger: close 1009)", 256UL, 16UL * 1024 * 1024);
  add_bounded(app, "--max-connections", c.limit.max_connections,
              "WebSocket connections open at once; beyond, upgrades get 503", 1UL, 1000000UL);
  add_bounded(app, "--max-connections-per-address", c.limit.max_connections_per_address,
              "WebSocket connections open at once from one client address; beyond, 429", 1UL,
              1000000UL);
  app.add_option("--trusted-proxy", c.trusted_proxies,
                 "reverse proxy (address or CIDR network) whose X-Forwarded-For names the client, "
                 "for the per-address limits (repeatable); none = the peer is the client")
      ->check([](const std::string& v) {
        return trusted_proxies::valid_entry(v)
                   ? std::string{}
                   : std::string{"expected an address or a CIDR network"};
      });
  app.add_option("--rate-limit", c.limit.rate_per_second, "messages per second per connection")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add_bounded(app, "--rate-burst", c.limit.rate_burst, "messages a connection may send at once",
              1.0, 100000.0);
  app.add_option(
         "--control-frame-rate", c.limit.control_frame_rate,
         "WebSocket pings and pongs per second per connection (beyond the burst: close 1008)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add_bounded(app, "--control-frame-burst", c.limit.control_frame_burst,
              "WebSocket pings and pongs a connection may send at once", 1.0, 100000.0);
  app.add_option("--max-fragments", c.limit.max_fragments,
                 "frames one WebSocket message may have (more: close 1009); "
                 "default: one per KiB of --max-frame-bytes, at least 128")
      ->check(CLI::Range(1UL, 1000000UL))
      ->default_str("128");
}

// Deadlines, and how often and how long the stores are waited for.
void add_timing_options(CLI::App& app, config& c) {
  add_seconds(app, "--message-timeout", c.limit.message_timeout,
              "a WebSocket message must be complete this long after its first frame (s; else "
              "1008)");
  add_seconds(app, "--handshake-timeout", c.limit.handshake_timeout,
              "WebSocket handshake deadline (s)");
  add_seconds(app, "--idle-timeout", c.limit.idle_timeout,
              "close a silent WebSocket peer after this (s); pinged at half");
  add_seconds(app, "--http-timeout", c.limit.http_timeout, "deadline for one HTTP request (s)");
  add_seconds(app, "--session-ttl", c.sessions.ttl, "forget a conversation idle this long (s)");
  add_seconds(app, "--shutdown-timeout", c.shutdown_timeout, "graceful shutdown deadline (s)");
  add_millis(app, "--session-flush-ms", c.session_flush,
             "how often changed conversations are saved (ms)");
  add_millis(app, "--db-wait-ms", c.db_wait,
             "longest a visitor waits for a database another process holds locked (ms)");
}

// When and how consultations can be booked.
void add_booking_options(CLI::App& app, config& c) {
  app.add_option("--timezone", c.hours.time_zone, "IANA time zone of the consultation hours")
      ->capture_default_str();
  app.add_option_function<std::string>(
         "--hours",
         [&c](const std::string& v) {
           if (!parse_hours(v, c.hours))
             throw CLI::ValidationError("--hours", "expected HH:MM-HH:MM");
         },
         "consultation hours, local time")
      ->default_str("09:00-17:00");
  app.add_option_function<std::string>(
         "--weekdays",
         [&c](const std::string& v) {
           if (!parse_weekdays(v, c.hours.weekdays)) {
             throw CLI::ValidationError("--weekdays", "expected e.g. mon-fri or mon,wed,fri");
           }
         },
         "consultation days")
      ->default_str("mon-fri");
  app.add_option_function<long>(
         "--min-notice-hours", [&c](long v) { c.hours.min_notice = std::chrono::hours{v}; },
         "earliest bookable slot, from now")
      ->check(CLI::Range(0L, 24L * 60))
      ->default_str(std::to_string(c.hours.min_notice.count()));
  add_bounded(app, "--booking-horizon-days", c.hours.horizon_days, "latest bookable day, from now",
              1, dialogue::availability::max_horizon_days);
  app.add_option("--organizer", c.organizer, "who the visitor meets, named in the calendar file")
      ->capture_default_str();
  app.add_option("--meeting-details", c.hours.meeting_details,
                 "how the consultation happens, told to visitors who ask (video link, phone, ...)")
      ->check([](const std::string& v) {
        return v.empty() || v.size() > 1000 ? std::string{"1 to 1000 characters"} : std::string{};
      });
}

// Where each booking is sent, and how failures are retried.
void add_webhook_options(CLI::App& app, config& c) {
  app.add_option("--webhook-url", c.webhook.url, "POST each booking here (http or https)");
  app.add_option("--webhook-secret", c.webhook.secret,
                 "HMAC-SHA256 key for webhook-signature (or ADVISOR_WEBHOOK_SECRET)");
  add_millis(app, "--webhook-retry-base-ms", c.webhook.retry_base,
             "first retry delay (ms), doubled each time");
  add_millis(app, "--webhook-retry-max-ms", c.webhook.retry_cap, "longest retry delay (ms)");
  add_seconds(app, "--webhook-timeout", c.webhook.request_timeout, "deadline for one delivery (s)");
  app.add_option_function<long>(
         "--webhook-max-age", [&c](long v) { c.webhook.max_age = std::chrono::seconds{v}; },
         "give a failing delivery up (dead letter) after this long (s)")
      ->check(CLI::Range(1L, 365L * 86400))
      ->default_str(std::to_string(c.webhook.max_age.count()));
  app.add_option("--webhook-ca-file", c.webhook.ca_file,
                 "PEM file of extra CA certificates to trust for an https webhook");
}

}  // namespace

// In --help, the flags come in the order they are added here.
void add_server_options(CLI::App& app, config& c) {
  add_place_options(app, c);
  add_limit_options(app, c);
  add_timing_options(app, c);
  add_booking_options(app, c);
  add_webhook_options(app, c);
  app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
}

}  // namespace advisor::server
