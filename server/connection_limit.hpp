#pragma once
// The caps on WebSocket connections: all together (--max-connections) and from one client
// address (--max-connections-per-address). A slot is taken before the upgrade and given
// back when the session ends, so handshakes in flight count as well: the caps hold however
// many upgrades arrive at once, on any thread.

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace advisor::server {

class connection_limit {
 public:
  explicit connection_limit(std::size_t max, std::size_t max_per_address = 256)
      : max_{max}, max_per_address_{max_per_address} {}

  // Held by a WebSocket session for its lifetime; empty when a cap was reached.
  class slot {
   public:
    slot() = default;
    slot(slot&& other) noexcept
        : owner_{std::exchange(other.owner_, nullptr)}, address_{std::move(other.address_)} {}
    slot& operator=(slot&& other) noexcept {
      if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
        address_ = std::move(other.address_);
      }
      return *this;
    }
    ~slot() { release(); }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class connection_limit;
    slot(connection_limit* owner, std::string address)
        : owner_{owner}, address_{std::move(address)} {}
    void release() {
      if (owner_ != nullptr) owner_->give_back(address_);
      owner_ = nullptr;
    }
    connection_limit* owner_ = nullptr;
    std::string address_;
  };

  enum class refusal { none, total, per_address };
  struct admission {
    slot held;  // empty when refused
    refusal why = refusal::none;
  };

  admission try_acquire(const std::string& address) {
    auto open = open_.load(std::memory_order_relaxed);
    do {
      if (open >= max_) return {{}, refusal::total};
    } while (!open_.compare_exchange_weak(open, open + 1, std::memory_order_relaxed));
    {
      std::lock_guard lock{mutex_};
      auto& from_address = per_address_[address];
      if (from_address >= max_per_address_) {
        open_.fetch_sub(1, std::memory_order_relaxed);
        return {{}, refusal::per_address};
      }
      ++from_address;
    }
    return {slot{this, address}, refusal::none};
  }

 private:
  void give_back(const std::string& address) {
    {
      std::lock_guard lock{mutex_};
      // Addresses with nothing open are dropped: the table is as large as the open clients.
      if (auto it = per_address_.find(address); it != per_address_.end() && --it->second == 0) {
        per_address_.erase(it);
      }
    }
    open_.fetch_sub(1, std::memory_order_relaxed);
  }

  const std::size_t max_;
  const std::size_t max_per_address_;
  std::atomic<std::size_t> open_{0};
  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> per_address_;  // guarded by mutex_
};

}  // namespace advisor::server
