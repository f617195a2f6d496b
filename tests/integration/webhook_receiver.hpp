#pragma once
// A webhook receiver run by the test: a small HTTP/1.1 server on 127.0.0.1 in a thread of
// the test process that records every request and answers it with a scripted status.
// Tests wait on it through a condition variable (an event with a deadline), never by sleeping.
// With a tls_identity it speaks HTTPS instead (server-side TLS handshake first).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace advisor::test {

struct received_request {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  int answered = 0;                          // the status the receiver answered it with
  std::chrono::steady_clock::time_point at;  // when it arrived
  [[nodiscard]] std::string header(const std::string& lower_name) const;
};

// What an HTTPS receiver presents: PEM text, not file names, so tests can make them in memory.
struct tls_identity {
  std::string certificate_chain_pem;  // the leaf first, then any intermediates
  std::string private_key_pem;
};

// A port on 127.0.0.1 that was free a moment ago and on which nothing listens now, so
// connections to it are refused until a receiver is started on it.
std::uint16_t unused_port();

class webhook_receiver {
 public:
  using requests_predicate = std::function<bool(const std::vector<received_request>&)>;

  // Listens on 127.0.0.1:`port` (0: a free one). The first requests are answered with
  // `first_statuses`, in order; every later one with 200. With `tls`, every connection
  // starts with a TLS handshake presenting it. Throws when it cannot listen or the identity
  // does not load.
  explicit webhook_receiver(std::uint16_t port = 0, std::vector<int> first_statuses = {},
                            std::optional<tls_identity> tls = std::nullopt);
  ~webhook_receiver();
  webhook_receiver(const webhook_receiver&) = delete;
  webhook_receiver& operator=(const webhook_receiver&) = delete;
  webhook_receiver(webhook_receiver&&) = delete;
  webhook_receiver& operator=(webhook_receiver&&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  // While holding, requests are recorded (answered 0) and never answered: a deliverer that
  // is killed now is killed mid-delivery. The held connections are closed when holding ends.
  void hold_answers(bool hold);

  // Adds a header (e.g. Retry-After) to every answer that is not a 2xx from now on.
  void add_error_header(std::string name, std::string value);
  // Every request so far, in arrival order.
  [[nodiscard]] std::vector<received_request> requests() const;
  // Waits until `done` holds for the requests so far (checked at every arrival, with the
  // receiver locked: `done` looks at its argument, never at requests()); returns
  // whether it held by the deadline.
  bool wait_until(const requests_predicate& done, std::chrono::milliseconds deadline) const;
  // TLS only: the error of every server-side handshake that failed so far (a client that
  // rejected the certificate shows up here and never as a request).
  [[nodiscard]] std::vector<std::string> failed_handshakes() const;
  // Waits until at least `count` handshakes have failed; returns whether they had by the
  // deadline.
  bool wait_for_failed_handshakes(std::size_t count, std::chrono::milliseconds deadline) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// The URL of a receiver (or of a port where one will run): http://127.0.0.1:<port>/hook
std::string webhook_url(std::uint16_t port);

}  // namespace advisor::test
