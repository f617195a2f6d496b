#pragma once
// A token bucket per connection: `rate` tokens a second, at most `burst` saved up.
// Time is passed in, so the bucket is testable without a clock.

#include <algorithm>
#include <chrono>

namespace advisor::server {

class token_bucket {
 public:
  using clock = std::chrono::steady_clock;

  token_bucket(double rate_per_second, double burst, clock::time_point now)
      : rate_{rate_per_second}, burst_{burst}, tokens_{burst}, last_{now} {}

  // Takes one token if there is one.
  bool try_take(clock::time_point now) {
    const std::chrono::duration<double> elapsed = now - last_;
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  clock::time_point last_;
};

}  // namespace advisor::server

#include <mutex>
#include <string>
#include <unordered_map>

namespace advisor::server {

// One token bucket per client address, for POST /api/chat (a WebSocket connection has its
// own). Buckets that have refilled completely carry no information and are dropped when the
// table grows, which keeps it bounded.
class address_rate_limiter {
 public:
  address_rate_limiter(double rate_per_second, double burst, std::size_t max_addresses = 10000)
      : rate_{rate_per_second}, burst_{burst}, max_addresses_{max_addresses} {}

  bool try_take(const std::string& address, token_bucket::clock::time_point now) {
    std::lock_guard lock{mutex_};
    if (buckets_.size() >= max_addresses_ && !buckets_.contains(address)) {
      const auto full_after = std::chrono::duration<double>{burst_ / rate_};
      std::erase_if(buckets_,
                    [&](const auto& item) { return now - item.second.second > full_after; });
      if (buckets_.size() >= max_addresses_) buckets_.clear();  // under attack: start afresh
    }
    auto it = buckets_.find(address);
    if (it == buckets_.end()) {
      it = buckets_.emplace(address, std::pair{token_bucket{rate_, burst_, now}, now}).first;
    }
    it->second.second = now;
    return it->second.first.try_take(now);
  }

 private:
  double rate_;
  double burst_;
  std::size_t max_addresses_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::pair<token_bucket, token_bucket::clock::time_point>>
      buckets_;
};

}  // namespace advisor::server
