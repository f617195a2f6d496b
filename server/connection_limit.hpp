#pragma once
// The global cap on WebSocket connections (--max-connections). A slot is taken before the
// upgrade and given back when the session ends, so handshakes in flight count as well: the
// cap holds however many upgrades arrive at once, on any thread.

#include <atomic>
#include <cstddef>
#include <utility>

namespace advisor::server {

class connection_limit {
 public:
  explicit connection_limit(std::size_t max) : max_{max} {}

  // Held by a WebSocket session for its lifetime; empty when the cap was reached.
  class slot {
   public:
    slot() = default;
    slot(slot&& other) noexcept : owner_{std::exchange(other.owner_, nullptr)} {}
    slot& operator=(slot&& other) noexcept {
      if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
      }
      return *this;
    }
    ~slot() { release(); }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class connection_limit;
    explicit slot(connection_limit* owner) : owner_{owner} {}
    void release() {
      if (owner_ != nullptr) owner_->open_.fetch_sub(1, std::memory_order_relaxed);
      owner_ = nullptr;
    }
    connection_limit* owner_ = nullptr;
  };

  slot try_acquire() {
    auto open = open_.load(std::memory_order_relaxed);
    do {
      if (open >= max_) return {};
    } while (!open_.compare_exchange_weak(open, open + 1, std::memory_order_relaxed));
    return slot{this};
  }

 private:
  const std::size_t max_;
  std::atomic<std::size_t> open_{0};
};

}  // namespace advisor::server
