#pragma once
// Conversations by session token, forgotten after an idle TTL. Shared by every connection
// and by POST /api/chat, hence the mutexes (a store-wide one for the map, one per session
// for its conversation, which two connections may use at once). With a conversation_store behind
// it, conversations are saved (see chat_service) and a token unknown in memory is looked
// up in the store, so a half-filled form survives a restart (or, with a store shared by
// several instances, moves to the instance the visitor reconnects to).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dialogue/engine.hpp"
#include "server/config.hpp"

#include "handoff/conversation_store.hpp"

namespace advisor::server {

class chat_session {
 public:
  using clock = std::chrono::steady_clock;

  chat_session(std::string token, clock::time_point now)
      : token_{std::move(token)}, last_used_{now.time_since_epoch().count()} {}
  chat_session(std::string token, clock::time_point now, dialogue::conversation restored,
               std::int64_t version)
      : token_{std::move(token)},
        last_used_{now.time_since_epoch().count()},
        conversation_{std::move(restored)},
        version_{version} {}

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

  // The stored version the conversation is based on (0: never stored), read and set with
  // the conversation under its lock.
  template <class Fn>
  auto with_versioned(Fn&& fn) {
    std::lock_guard lock{mutex_};
    return fn(conversation_, version_);
  }

  // Set when the session changed, cleared when it is taken for saving: a session is listed
  // once however many messages it answers between two saves.
  bool mark_dirty() { return !dirty_.exchange(true, std::memory_order_acq_rel); }
  void clear_dirty() { dirty_.store(false, std::memory_order_release); }

 private:
  const std::string token_;
  std::atomic<clock::rep> last_used_;
  std::atomic<bool> dirty_{false};
  std::mutex mutex_;
  dialogue::conversation conversation_;
  std::int64_t version_ = 0;  // guarded by mutex_
};

class session_store {
 public:
  using clock = std::chrono::steady_clock;

  explicit session_store(sessions_config config, handoff::conversation_store* persistence = nullptr)
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
  // Every live session changed since the last call, each clear of its mark: a change made
  // while it is being saved marks it again.
  std::vector<std::shared_ptr<chat_session>> take_dirty();
  // Token, saved form and the version it is based on. The conversation is copied under its
  // lock and serialised after, so the connection using it waits for a copy at most.
  static handoff::session_save snapshot(chat_session& session);
  // What saving a snapshot came to: the stored version it now has, or 0 when another
  // instance had saved the session first; then the stored conversation replaces this one
  // (the first save wins, the other tab continues from it).
  void saved(const std::shared_ptr<chat_session>& session, std::int64_t version);

  std::size_t size() const;

 private:
  void evict_expired(clock::time_point now);  // call with mutex_ held
  // The stored conversation of `token` within the TTL, if any; storage trouble is none.
  std::optional<handoff::stored_session> load(const std::string& token) const;
  // With a shared store, another instance may have moved the session on since: catch up.
  void catch_up(chat_session& session) const;

  sessions_config config_;
  handoff::conversation_store* persistence_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<chat_session>> sessions_;
  std::vector<std::weak_ptr<chat_session>> dirty_;
  clock::time_point last_sweep_{};
};

// 256 random bits from the OS's CSPRNG, hex-encoded.
std::string new_session_token();

}  // namespace advisor::server
