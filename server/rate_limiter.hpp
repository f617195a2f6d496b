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
