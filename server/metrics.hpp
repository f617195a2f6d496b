#pragma once
// Counters for GET /metrics, in Prometheus' text exposition format. Lock-free on the hot
// path: fixed arrays of atomics indexed by what is counted.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "intents/intent.hpp"
#include "server/protocol.hpp"

namespace advisor::server {

class metrics {
 public:
  void http_request(unsigned status);
  void ws_opened() {
    ws_opened_.fetch_add(1, std::memory_order_relaxed);
    ws_active_.fetch_add(1, std::memory_order_relaxed);
  }
  void ws_closed() { ws_active_.fetch_sub(1, std::memory_order_relaxed); }
  void reply(intents::intent intent) {
    replies_[static_cast<std::size_t>(intent)].fetch_add(1, std::memory_order_relaxed);
  }
  void error(protocol::error_code code);
  void close(unsigned short code);
  void engine_reload(bool ok);
  enum class booking_result { stored, slot_taken, failed };  // `failed` last: the array's size
  void booking(booking_result result) {
    bookings_[static_cast<std::size_t>(result)].fetch_add(1, std::memory_order_relaxed);
  }

  // Gauges sampled by the caller from the objects that own them.
  struct samples {
    std::size_t sessions = 0;            // conversations in memory
    std::size_t pending_deliveries = 0;  // bookings the webhook is still trying to deliver
    std::size_t dead_letters = 0;        // deliveries given up after the maximum age
    std::size_t endpoints_gone = 0;      // webhook URLs that answered 410 Gone
  };
  std::string render(const samples& now) const;

 private:
  using counter = std::atomic<std::uint64_t>;
  static constexpr std::array<unsigned short, 6> close_codes_{1000, 1001, 1003, 1007, 1008, 1009};

  std::array<counter, 6> http_by_class_{};  // index = status / 100
  counter ws_opened_{0};
  std::atomic<std::int64_t> ws_active_{0};
  std::array<counter, intents::intent_count> replies_{};
  std::array<counter, protocol::error_code_count> errors_{};
  std::array<counter, close_codes_.size() + 1> closes_{};  // last slot: any other code
  std::array<counter, static_cast<std::size_t>(booking_result::failed) + 1> bookings_{};
  counter reloads_ok_{0};
  counter reloads_failed_{0};
};

}  // namespace advisor::server
