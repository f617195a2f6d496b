#include "server/session_store.hpp"

#include <openssl/rand.h>

#include "handoff/lead_store.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace advisor::server {

std::string new_session_token() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("no randomness available for a session token");
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string token;
  token.reserve(bytes.size() * 2);
  for (const auto b : bytes) {
    token.push_back(digits[b >> 4U]);
    token.push_back(digits[b & 0x0FU]);
  }
  return token;
}

session_store::lookup session_store::open(const std::string* token, clock::time_point now) {
  std::lock_guard lock{mutex_};
  evict_expired(now);
  if (token != nullptr) {
    if (auto it = sessions_.find(*token); it != sessions_.end()) {
      if (now - it->second->last_used() <= config_.ttl) {
        it->second->touch(now);
        return {it->second, true};
      }
      sessions_.erase(it);  // expired between two sweeps
    } else if (persistence_ != nullptr) {
      // Not in memory: saved before a restart? Only within the TTL, measured on the wall
      // clock since the steady clock does not survive a restart.
      const auto not_before = std::chrono::time_point_cast<std::chrono::seconds>(
          std::chrono::system_clock::now() - config_.ttl);
      std::optional<std::string> saved;
      try {
        saved = persistence_->load_session(*token, not_before);
      } catch (const std::exception&) {
        saved.reset();  // storage trouble: start afresh rather than fail the visitor
      }
      if (saved) {
        if (auto restored = dialogue::restore_conversation(*saved)) {
          auto session = std::make_shared<chat_session>(*token, now, std::move(*restored));
          sessions_.emplace(*token, session);
          return {std::move(session), true};
        }
      }
    }
  }
  if (sessions_.size() >= config_.max_sessions) {
    // Full: drop the least recently used rather than refuse a visitor.
    auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second->last_used() < b.second->last_used(); });
    sessions_.erase(oldest);
  }
  auto session = std::make_shared<chat_session>(new_session_token(), now);
  sessions_.emplace(session->token(), session);
  return {std::move(session), false};
}

void session_store::reset(const std::shared_ptr<chat_session>& session) {
  session->with_conversation([](dialogue::conversation& c) { c = dialogue::conversation{}; });
  mark_dirty(session);
}

void session_store::mark_dirty(const std::shared_ptr<chat_session>& session) {
  if (persistence_ == nullptr) return;
  std::lock_guard lock{mutex_};
  dirty_.insert_or_assign(session->token(), session);
}

std::pair<std::string, std::string> session_store::snapshot(chat_session& session) {
  return {session.token(), session.with_conversation([](const dialogue::conversation& c) {
            return dialogue::save_conversation(c);
          })};
}

std::vector<std::pair<std::string, std::string>> session_store::take_dirty() {
  std::unordered_map<std::string, std::weak_ptr<chat_session>> dirty;
  {
    std::lock_guard lock{mutex_};
    dirty.swap(dirty_);
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [_, weak] : dirty) {
    if (auto session = weak.lock()) out.push_back(snapshot(*session));
  }
  return out;
}

void session_store::mark_unsaved(const std::vector<std::pair<std::string, std::string>>& unsaved) {
  if (persistence_ == nullptr) return;
  std::lock_guard lock{mutex_};
  for (const auto& [token, state] : unsaved) {
    if (const auto it = sessions_.find(token); it != sessions_.end()) {
      dirty_.try_emplace(token, it->second);
    }
  }
}

std::size_t session_store::size() const {
  std::lock_guard lock{mutex_};
  return sessions_.size();
}

void session_store::evict_expired(clock::time_point now) {
  // A sweep at most every few seconds keeps `open` O(1) amortised.
  if (now - last_sweep_ < std::chrono::seconds{5}) return;
  last_sweep_ = now;
  std::erase_if(sessions_,
                [&](const auto& item) { return now - item.second->last_used() > config_.ttl; });
}

}  // namespace advisor::server
