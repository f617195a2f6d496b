#pragma once
// Delivers stored bookings to the consultancy's webhook: POST of the booking JSON, signed
// the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature), the booking
// reference as idempotency key, retried with capped exponential backoff and jitter (or when
// a 429/503 says Retry-After) until a 2xx. A delivery older than the maximum age becomes a
// dead letter; a receiver that answers 410 Gone gets nothing more until an operator says so
// (`advisor leads retry`). The outbox table is the queue, so nothing is lost on a crash or a
// dead receiver; delivery resumes after a restart.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>

#include "handoff/lead_store.hpp"

namespace spdlog {
class logger;
}

namespace advisor::handoff {

struct webhook_config {
  std::string url;     // http:// or https://; empty: no delivery (bookings stay in the outbox)
  std::string secret;  // HMAC-SHA256 key ("whsec_" + base64: the decoded bytes); empty: unsigned
  std::chrono::milliseconds retry_base{2000};           // first retry after about this
  std::chrono::milliseconds retry_cap{10 * 60 * 1000};  // retries never wait longer
  std::chrono::seconds request_timeout{10};
  std::chrono::seconds max_age{72 * 3600};  // then a failing delivery is a dead letter
  std::string ca_file;  // extra CA certificates (PEM) to trust for https, e.g. a private CA
};

// "sha256=" and the lower-case hex HMAC-SHA256 of `body` under `secret` (X-Advisor-Signature,
// kept for receivers that check it; it does not cover a timestamp, so prefer the next one).
std::string webhook_signature(std::string_view secret, std::string_view body);

// Standard Webhooks: "v1," and the base64 HMAC-SHA256 of "<id>.<timestamp>.<body>". The key is
// the secret's bytes, or for a "whsec_" secret its base64 remainder decoded.
std::string standard_webhook_signature(std::string_view secret, std::string_view id,
                                       std::int64_t timestamp, std::string_view body);

// A Retry-After value (RFC 9110: delay-seconds or an HTTP date) as a wait from `now`;
// nullopt when it is neither.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

// Delay before attempt number `attempts + 1`: min(cap, base * 2^attempts), times a random
// factor in [0.5, 1] so that many failed deliveries do not retry in lock-step.
std::chrono::milliseconds retry_delay(const webhook_config& config, int attempts,
                                      std::mt19937_64& random);

struct delivery_attempt;  // what one POST came to (webhook.cpp)

// The delivery worker: its own thread and io_context, so a slow receiver never holds up a
// chat. Started by start(), stopped by stop() (or the destructor).
class webhook_sender {
 public:
  // Checks the URL; the error says what is wrong with it.
  static std::variant<std::unique_ptr<webhook_sender>, std::string> create(webhook_config config,
                                                                           lead_store& store,
                                                                           spdlog::logger& log);
  ~webhook_sender();

  void start();
  void stop();
  // A booking was just stored: deliver now rather than at the next scheduled wake-up.
  void notify();

 private:
  struct target;
  webhook_sender(webhook_config config, std::unique_ptr<target> where, lead_store& store,
                 spdlog::logger& log);
  void wake();
  void deliver_next();
  void on_result(const outbox_item& item, const delivery_attempt& result);
  bool endpoint_gone();
  void retry_or_give_up(const outbox_item& item, const delivery_attempt& result);
  void sleep_until_due();

  webhook_config config_;
  std::unique_ptr<target> target_;
  lead_store& store_;
  spdlog::logger& log_;
  boost::asio::io_context ioc_;
  boost::asio::ssl::context tls_;
  boost::asio::steady_timer timer_;
  std::mt19937_64 random_;
  bool busy_ = false;           // a POST is in flight
  bool gone_reported_ = false;  // the log has said that the endpoint answered 410
  std::thread thread_;
};

}  // namespace advisor::handoff
