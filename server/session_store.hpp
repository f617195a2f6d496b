#pragma once
// Conversations by session token, forgotten after an idle TTL. Shared by every connection
// and by POST /api/chat, hence the mutexes (a store-wide one for the map, one per session
// for its conversation, which two connections may use at once). With a lead_store behind
// it, conversations are saved (see chat_service) and a token unknown in memory is looked
// up on disk, so a half-filled form survives a restart.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dialogue/engine.hpp"
#include "server/config.hpp"

namespace advisor::handoff {
class lead_store;
}

namespace advisor::server {

class chat_session {
 public:
  using clock = std::chrono::steady_clock;

  chat_session(std::string token, clock::time_point now)
      : token_{std::move(token)}, last_used_{now.time_since_epoch().count()} {}
  chat_session(std::string token, clock::time_point now, dialogue::conversation restored)
      : token_{std::move(token)},
        last_used_{now.time_since_epoch().count()},
        conversation_{std::move(restored)} {}

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

  explicit session_store(sessions_config config, handoff::lead_store* persistence = nullptr)
      : config_{config}, persistence_{persistence} {}

  struct lookup {
    std::shared_ptr<chat_session> session;
    bool resumed = false;
  };

  // The live session for `token`, or a new one (with a new token) when it is unknown,
  // expired or absent.
  lookup open(const std::string* token, clock::time_point now = clock::now());

  // Forgets what the session said, keeps its token (the protocol's `reset`).
  void reset(const std::shared_ptr<chat_session>& session);

  // The session changed: it is saved at the next flush.
  void mark_dirty(const std::shared_ptr<chat_session>& session);
  // Token and saved form of every session changed since the last call.
  std::vector<std::pair<std::string, std::string>> take_dirty();
  // Sessions taken by take_dirty whose save failed: saved at the next flush (unless changed
  // again meanwhile, which marks them anyway).
  void mark_unsaved(const std::vector<std::pair<std::string, std::string>>& unsaved);
  static std::pair<std::string, std::string> snapshot(chat_session& session);

  std::size_t size() const;

 private:
  void evict_expired(clock::time_point now);  // call with mutex_ held

  sessions_config config_;
  handoff::lead_store* persistence_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<chat_session>> sessions_;
  std::unordered_map<std::string, std::weak_ptr<chat_session>> dirty_;
  clock::time_point last_sweep_{};
};

// 256 random bits from the OS's CSPRNG, hex-encoded.
std::string new_session_token();

}  // namespace advisor::server
