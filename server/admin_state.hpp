#pragma once
// What the operators' console (/admin) knows beyond the stores: when the server started, which
// data files were loaded and when, replies by intent over the last hour (sampled from the
// metrics every minute), and who has been sending wrong admin tokens.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "handoff/review_store.hpp"
#include "server/engine_loader.hpp"

namespace advisor::server {

class metrics;

// Parses Prometheus text (metrics::render) into "name{labels}" -> value.
std::map<std::string, double> parse_samples(const std::string& text);

// Wrong admin tokens, per client address: a token bucket of attempts (a few at once, then one
// every few seconds). An address with no attempt left is refused before its token is even
// compared, so guessing is slowed down without holding up a thread.
class admin_guard {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr double burst = 5;
  static constexpr double per_second = 0.2;

  bool may_try(const std::string& address, clock::time_point now);
  void failed(const std::string& address, clock::time_point now);

 private:
  struct bucket {
    double tokens = burst;
    clock::time_point last;
  };
  bucket& refill(const std::string& address, clock::time_point now);

  std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

class admin_state {
 public:
  using system_clock = std::chrono::system_clock;

  admin_state(boost::asio::io_context& ioc, const metrics& counters, data_dirs dirs);

  void start();  // samples the reply counters every minute
  void stop();
  void loaded();  // the data folders were (re)loaded just now

  struct load_record {
    system_clock::time_point at;
    std::vector<std::string> files;  // "intents/intents.json", "knowledge/guide/01-....txt"
  };
  struct reply_window {
    system_clock::time_point since;  // an hour ago, or the start when that is later
    std::map<std::string, std::uint64_t> by_intent;
  };

  [[nodiscard]] system_clock::time_point started_at() const { return started_at_; }
  [[nodiscard]] load_record last_load() const;
  [[nodiscard]] reply_window replies_last_hour() const;
  admin_guard& guard() { return guard_; }

  // The questions to review; null when the feature is off (--no-review).
  void use_review(handoff::review_store* store, int retention_days) {
    review_ = store;
    review_retention_days_ = retention_days;
  }
  [[nodiscard]] handoff::review_store* review() const { return review_; }
  [[nodiscard]] int review_retention_days() const { return review_retention_days_; }

 private:
  struct sample {
    system_clock::time_point at;
    std::map<std::string, std::uint64_t> replies;
  };
  sample take_sample() const;
  void wait();

  boost::asio::steady_timer timer_;
  const metrics& counters_;
  data_dirs dirs_;
  system_clock::time_point started_at_ = system_clock::now();
  mutable std::mutex mutex_;
  load_record load_;
  std::deque<sample> samples_;  // one a minute, the last hour's
  admin_guard guard_;
  handoff::review_store* review_ = nullptr;
  int review_retention_days_ = 0;
};

}  // namespace advisor::server
