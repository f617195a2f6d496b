#pragma once
// Conversations by session token, forgotten after an idle TTL. Shared by every connection
// and by POST /api/chat, hence the mutexes (a store-wide one for the map, one per session
// for its conversation, which two connections may use at once).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "dialogue/engine.hpp"
#include "server/config.hpp"

namespace advisor::server {

class chat_session {
 public:
  using clock = std::chrono::steady_clock;

  chat_session(std::string token, clock::time_point now)
      : token_{std::move(token)}, last_used_{now.time_since_epoch().count()} {}

  const std::string& token() const { return token_; }

  // Every message keeps the session alive; the TTL counts idle time only.
  void touch(clock::time_point now) {
    last_used_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
  }
  clock::time_point last_used() const {
    return clock::time_point{clock::duration{last_used_.load(std::memory_order_relaxed)}};
  }

  // Runs `fn(conversation&)` with the conversation locked; returns what fn returns.
  template <class Fn>
  auto with_conversation(Fn&& fn) {
    std::lock_guard lock{mutex_};
    return fn(conversation_);
  }

 private:
  const std::string token_;
  std::atomic<clock::rep> last_used_;
  std::mutex mutex_;
  dialogue::conversation conversation_;
};

class session_store {
 public:
  using clock = std::chrono::steady_clock;

  explicit session_store(sessions_config config) : config_{config} {}

  struct lookup {
    std::shared_ptr<chat_session> session;
    bool resumed = false;
  };

  // The live session for `token`, or a new one (with a new token) when it is unknown,
  // expired or absent.
  lookup open(const std::string* token, clock::time_point now = clock::now());

  // Forgets what the session said, keeps its token (the protocol's `reset`).
  void reset(chat_session& session);

  std::size_t size() const;

 private:
  void evict_expired(clock::time_point now);  // call with mutex_ held

  sessions_config config_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<chat_session>> sessions_;
  clock::time_point last_sweep_{};
};

// 256 random bits from the OS's CSPRNG, hex-encoded.
std::string new_session_token();

}  // namespace advisor::server
