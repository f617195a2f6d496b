#include "handoff/webhook.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/logger.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <date/date.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>

namespace advisor::handoff {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct delivery_attempt {
  int status = 0;                                   // the receiver's HTTP status; 0 when none came
  std::string error;                                // empty on a 2xx
  std::optional<std::chrono::seconds> retry_after;  // from a 429 or 503
};

struct webhook_sender::target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;  // with query
};

namespace {

constexpr unsigned http_1_1 = 11;  // Beast's number for HTTP/1.1

instant now_instant() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

using done_fn = std::function<void(delivery_attempt)>;

// One POST. Stream is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>; the chain
// is Beast's client example: resolve, connect, (TLS handshake), write, read.
template <class Stream>
class post_operation : public std::enable_shared_from_this<post_operation<Stream>> {
 public:
  template <class... StreamArgs>
  post_operation(net::io_context& ioc, http::request<http::string_body> req,
                 std::chrono::seconds timeout, done_fn done, StreamArgs&&... args)
      : resolver_{ioc},
        stream_{std::forward<StreamArgs>(args)...},
        req_{std::move(req)},
        timeout_{timeout},
        done_{std::move(done)} {}

  void run(const std::string& host, const std::string& port) {
    host_ = host;
    resolver_.async_resolve(
        host, port,
        beast::bind_front_handler(&post_operation::on_resolve, this->shared_from_this()));
  }

 private:
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  void on_resolve(beast::error_code ec, const tcp::resolver::results_type& results) {
    if (ec) return fail(ec, "resolve");
    tcp().expires_after(timeout_);
    tcp().async_connect(
        results, beast::bind_front_handler(&post_operation::on_connect, this->shared_from_this()));
  }

  void on_connect(beast::error_code ec, const tcp::endpoint&) {
    if (ec) return fail(ec, "connect");
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      // SSL_set_tlsext_host_name without its C cast: SNI, so virtual hosts pick the right cert.
      if (SSL_ctrl(stream_.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                   const_cast<char*>(host_.c_str())) != 1) {
        return fail(
            beast::error_code{static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()},
            "tls sni");
      }
      stream_.set_verify_callback(ssl::host_name_verification(host_));
      tcp().expires_after(timeout_);
      stream_.async_handshake(
          ssl::stream_base::client,
          beast::bind_front_handler(&post_operation::on_handshake, this->shared_from_this()));
    } else {
      write();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail(ec, "tls handshake");
    write();
  }

  void write() {
    tcp().expires_after(timeout_);
    http::async_write(
        stream_, req_,
        beast::bind_front_handler(&post_operation::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "write");
    http::async_read(stream_, buffer_, res_,
                     beast::bind_front_handler(&post_operation::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "read");
    beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    delivery_attempt result;
    result.status = static_cast<int>(res_.result_int());
    if (result.status >= 200 && result.status < 300) return done_(std::move(result));
    result.error = "HTTP " + std::to_string(result.status);
    if (result.status == 429 || result.status == 503) {
      result.retry_after =
          parse_retry_after(res_[http::field::retry_after], std::chrono::system_clock::now());
    }
    done_(std::move(result));
  }

  void fail(beast::error_code ec, const char* what) {
    done_(delivery_attempt{0, std::string{what} + ": " + ec.message(), std::nullopt});
  }

  tcp::resolver resolver_;
  Stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  std::chrono::seconds timeout_;
  done_fn done_;
  std::string host_;
};

}  // namespace

std::string webhook_signature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &length);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(digits[mac[i] >> 4U]);
    out.push_back(digits[mac[i] & 0x0FU]);
  }
  return out;
}

namespace {

std::string base64(const unsigned char* bytes, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(std::max(length, 0)));
  return out;
}

// The HMAC key of a secret: Standard Webhooks writes keys as "whsec_" + base64.
std::string signing_key(std::string_view secret) {
  constexpr std::string_view prefix = "whsec_";
  if (!secret.starts_with(prefix)) return std::string{secret};
  const auto encoded = secret.substr(prefix.size());
  std::string key(3 * ((encoded.size() + 3) / 4), '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(key.data()),
                                     reinterpret_cast<const unsigned char*>(encoded.data()),
                                     static_cast<int>(encoded.size()));
  if (length < 0) return std::string{secret};  // not base64 after all: the bytes as given
  // EVP_DecodeBlock counts the zero bytes that padding stands for.
  std::size_t padding = 0;
  for (auto i = encoded.size(); i > 0 && padding < 2 && encoded[i - 1] == '='; --i) ++padding;
  key.resize(static_cast<std::size_t>(length) -
             std::min(padding, static_cast<std::size_t>(length)));
  return key;
}

}  // namespace

std::string standard_webhook_signature(std::string_view secret, std::string_view id,
                                       std::int64_t timestamp, std::string_view body) {
  const std::string key = signing_key(secret);
  const std::string signed_text =
      std::string{id} + "." + std::to_string(timestamp) + "." + std::string{body};
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac,
       &length);
  return "v1," + base64(mac, length);
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::seconds{999'999'999};  // "later than ever"
    return std::chrono::seconds{std::stoll(std::string{value})};
  }
  // An HTTP date (IMF-fixdate), always in GMT.
  std::istringstream in{std::string{value}};
  in.imbue(std::locale::classic());
  std::tm fields{};
  in >> std::get_time(&fields, "%a, %d %b %Y %H:%M:%S GMT");
  if (in.fail()) return std::nullopt;
  const auto when = std::chrono::system_clock::from_time_t(::timegm(&fields));
  return std::max(std::chrono::seconds{0},
                  std::chrono::duration_cast<std::chrono::seconds>(when - now));
}

std::chrono::milliseconds retry_delay(const webhook_config& config, int attempts,
                                      std::mt19937_64& random) {
  const double base = static_cast<double>(config.retry_base.count());
  const double cap = static_cast<double>(config.retry_cap.count());
  const double exponential = std::min(cap, base * std::pow(2.0, std::min(attempts, 40)));
  std::uniform_real_distribution<double> jitter{0.5, 1.0};
  return std::chrono::milliseconds{static_cast<std::int64_t>(exponential * jitter(random))};
}

std::variant<std::unique_ptr<webhook_sender>, std::string> webhook_sender::create(
    webhook_config config, lead_store& store, spdlog::logger& log) {
  auto where = std::make_unique<target>();
  if (!config.url.empty()) {
    auto url = boost::urls::parse_absolute_uri(config.url);
    if (!url) return "--webhook-url: not an absolute URL";
    if (url->scheme() != "http" && url->scheme() != "https") {
      return "--webhook-url: only http and https are supported";
    }
    if (!url->has_authority() || url->host().empty()) return "--webhook-url: no host";
    where->tls = url->scheme() == "https";
    where->host = url->host();
    where->port = url->has_port() ? std::string{url->port()} : (where->tls ? "443" : "80");
    where->path = url->encoded_path().empty() ? "/" : std::string{url->encoded_path()};
    if (url->has_query()) where->path += "?" + std::string{url->encoded_query()};
  }
  auto sender = std::unique_ptr<webhook_sender>{
      new webhook_sender{std::move(config), std::move(where), store, log}};
  if (!sender->config_.ca_file.empty()) {
    beast::error_code ec;
    sender->tls_.load_verify_file(sender->config_.ca_file, ec);
    if (ec) return "--webhook-ca-file " + sender->config_.ca_file + ": " + ec.message();
  }
  return sender;
}

webhook_sender::webhook_sender(webhook_config config, std::unique_ptr<target> where,
                               lead_store& store, spdlog::logger& log)
    : config_{std::move(config)},
      target_{std::move(where)},
      store_{store},
      log_{log},
      tls_{ssl::context::tls_client},
      timer_{ioc_},
      random_{std::random_device{}()} {
  tls_.set_default_verify_paths();
  tls_.set_verify_mode(ssl::verify_peer);
}

webhook_sender::~webhook_sender() {
  stop();
}

void webhook_sender::start() {
  if (config_.url.empty() || thread_.joinable()) return;
  net::post(ioc_, [this] { deliver_next(); });
  thread_ = std::thread{[this] { ioc_.run(); }};
}

void webhook_sender::stop() {
  if (!thread_.joinable()) return;
  ioc_.stop();  // an interrupted POST is retried after the restart: the row stays pending
  thread_.join();
}

void webhook_sender::notify() {
  net::post(ioc_, [this] { wake(); });
}

void webhook_sender::wake() {
  if (busy_) return;  // the running chain looks for due rows again when it finishes
  timer_.cancel();
  deliver_next();
}

// Whether the receiver said 410 Gone (in this process or an earlier one); says so in the
// log once, not at every wake-up.
bool webhook_sender::endpoint_gone() {
  std::optional<gone_endpoint> gone;
  try {
    gone = store_.gone(config_.url);
  } catch (const std::exception& e) {
    log_.error("webhook: cannot read the outbox: {}", e.what());
  }
  if (!gone) {
    if (gone_reported_)
      log_.info("webhook: {} is taken off the gone list; delivering", config_.url);
    gone_reported_ = false;
    return false;
  }
  if (!gone_reported_) {
    log_.error(
        "webhook: {} answered {} at {}; deliveries to it stay stopped until "
        "`advisor leads retry` (or another --webhook-url)",
        gone->url, gone->status,
        date::format("%F %T UTC", date::floor<std::chrono::seconds>(gone->at)));
    gone_reported_ = true;
  }
  return true;
}

void webhook_sender::deliver_next() {
  // One POST at a time. A timer that had already fired when wake() cancelled it still runs
  // its handler: the delivery wake() started is then in flight, and its end looks again.
  if (busy_) return;
  if (endpoint_gone()) return sleep_until_due();
  std::vector<outbox_item> due;
  try {
    due = store_.due(now_instant(), 1);
  } catch (const std::exception& e) {
    log_.error("webhook: cannot read the outbox: {}", e.what());
  }
  if (due.empty()) return sleep_until_due();

  busy_ = true;
  const auto item = due.front();
  http::request<http::string_body> req{http::verb::post, target_->path, http_1_1};
  req.set(http::field::host, target_->host);
  req.set(http::field::user_agent, "advisor-webhook/1");
  req.set(http::field::content_type, "application/json");
  req.set("Idempotency-Key", item.reference);
  // Standard Webhooks: the id stays the same across retries, the timestamp is this attempt's.
  req.set("webhook-id", item.reference);
  const auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  req.set("webhook-timestamp", std::to_string(timestamp));
  if (!config_.secret.empty()) {
    req.set("webhook-signature",
            standard_webhook_signature(config_.secret, item.reference, timestamp, item.payload));
    req.set("X-Advisor-Signature", webhook_signature(config_.secret, item.payload));
  }
  req.body() = item.payload;
  req.prepare_payload();

  auto done = [this, item](delivery_attempt result) {
    // Completion runs on this worker's thread (its io_context has no other thread).
    on_result(item, result);
  };
  if (target_->tls) {
    std::make_shared<post_operation<beast::ssl_stream<beast::tcp_stream>>>(
        ioc_, std::move(req), config_.request_timeout, std::move(done), ioc_, tls_)
        ->run(target_->host, target_->port);
  } else {
    std::make_shared<post_operation<beast::tcp_stream>>(
        ioc_, std::move(req), config_.request_timeout, std::move(done), ioc_)
        ->run(target_->host, target_->port);
  }
}

void webhook_sender::on_result(const outbox_item& item, const delivery_attempt& result) {
  busy_ = false;
  try {
    if (result.error.empty()) {
      store_.delivered(item.id, now_instant());
      log_.info("webhook: delivered {}", item.reference);
    } else if (result.status == 410) {
      // The receiver says the endpoint is gone for good: retrying would only knock at it.
      store_.mark_gone(config_.url, now_instant(), "410 Gone");
      store_.retry_later(item.id, now_instant(), result.error);
    } else {
      retry_or_give_up(item, result);
    }
  } catch (const std::exception& e) {
    log_.error("webhook: cannot update the outbox: {}", e.what());
  }
  deliver_next();
}

// A failed delivery is tried again after the backoff, or after the receiver's Retry-After
// when that is longer; once older than the maximum age it is a dead letter.
void webhook_sender::retry_or_give_up(const outbox_item& item, const delivery_attempt& result) {
  const auto now = now_instant();
  if (now - item.age_from >= config_.max_age) {
    store_.dead_letter(item.id, now, result.error);
    log_.error(
        "webhook: {} is a dead letter: not delivered within {} s ({}); "
        "`advisor leads retry {}` sends it again",
        item.reference, config_.max_age.count(), result.error, item.reference);
    return;
  }
  auto delay = retry_delay(config_, item.attempts, random_);
  if (result.retry_after) {
    constexpr std::chrono::hours longest{24};
    delay = std::max(delay, std::chrono::milliseconds{
                                std::min<std::chrono::seconds>(*result.retry_after, longest)});
  }
  store_.retry_later(item.id, now + delay, result.error);
  log_.warn("webhook: {} not delivered ({}); retry in {} ms", item.reference, result.error,
            delay.count());
}

void webhook_sender::sleep_until_due() {
  std::optional<instant> next;
  try {
    next = store_.next_due();
  } catch (const std::exception& e) {
    log_.error("webhook: cannot read the outbox: {}", e.what());
  }
  // With nothing pending, or the endpoint gone, sleep until notify(); look again now and then
  // regardless, in case another process (advisor leads retry) changed the outbox. A store
  // shared by several instances is looked at every second: a booking taken by another
  // instance notifies only that one, and a claim of a deliverer that died must be taken over.
  const auto now = now_instant();
  auto wait = std::chrono::milliseconds{store_.shared() ? 1'000 : 60'000};
  if (next && !gone_reported_)
    wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*next - now),
                      std::chrono::milliseconds{0}, wait);
  timer_.expires_after(wait);
  timer_.async_wait([this](beast::error_code ec) {
    if (ec) return;  // cancelled by wake() or stop()
    deliver_next();
  });
}

}  // namespace advisor::handoff
