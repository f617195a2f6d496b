#include "server/session_store.hpp"

#include <openssl/rand.h>

#include "handoff/conversation_store.hpp"

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
        if (persistence_ != nullptr && persistence_->shared()) catch_up(*it->second);
        return {it->second, true};
      }
      sessions_.erase(it);  // expired between two sweeps
    } else if (persistence_ != nullptr) {
      // Not in memory: saved before a restart, or by another instance?
      if (auto saved = load(*token)) {
        if (auto restored = dialogue::restore_conversation(saved->state)) {
          auto session =
              std::make_shared<chat_session>(*token, now, std::move(*restored), saved->version);
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
  if (!session->mark_dirty()) return;  // already listed: no lock, no allocation
  std::lock_guard lock{mutex_};
  dirty_.push_back(session);
}

handoff::session_save session_store::snapshot(chat_session& session) {
  auto copy = session.with_versioned([](const dialogue::conversation& c, std::int64_t version) {
    return std::pair{c, version};
  });
  return {session.token(), dialogue::save_conversation(copy.first), copy.second};
}

void session_store::saved(const std::shared_ptr<chat_session>& session, std::int64_t version) {
  if (version != 0) {
    session->with_versioned([version](dialogue::conversation&, std::int64_t& current) {
      current = std::max(current, version);
    });
    return;
  }
  catch_up(*session);
}

std::optional<handoff::stored_session> session_store::load(const std::string& token) const {
  // Only within the TTL, measured on the wall clock since the steady clock does not survive
  // a restart (nor cross machines).
  const auto not_before = std::chrono::time_point_cast<std::chrono::seconds>(
      std::chrono::system_clock::now() - config_.ttl);
  try {
    return persistence_->load_session(token, not_before);
  } catch (const std::exception&) {
    return std::nullopt;  // storage trouble: carry on with what is known
  }
}

void session_store::catch_up(chat_session& session) const {
  const auto stored = load(session.token());
  if (!stored) return;
  auto restored = dialogue::restore_conversation(stored->state);
  if (!restored) return;
  session.with_versioned([&](dialogue::conversation& c, std::int64_t& version) {
    if (stored->version <= version) return;
    c = std::move(*restored);
    version = stored->version;
  });
}

std::vector<std::shared_ptr<chat_session>> session_store::take_dirty() {
  std::vector<std::weak_ptr<chat_session>> dirty;
  {
    std::lock_guard lock{mutex_};
    dirty.swap(dirty_);
  }
  std::vector<std::shared_ptr<chat_session>> out;
  out.reserve(dirty.size());
  for (const auto& weak : dirty) {
    if (auto session = weak.lock()) {
      session->clear_dirty();  // before its snapshot: a later change is listed again
      out.push_back(std::move(session));
    }
  }
  return out;
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
