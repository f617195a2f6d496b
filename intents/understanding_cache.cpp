#include "intents/understanding_cache.hpp"

#include <utility>

namespace advisor::intents {

understanding_cache::shared understanding_cache::find(std::string_view text) const {
  if (entries_ == 0 || text.size() > max_text_bytes) return nullptr;
  std::lock_guard lock{mutex_};
  if (const auto found = recent_.find(text); found != recent_.end()) return found->second;
  const auto found = older_.find(text);
  if (found == older_.end()) return nullptr;
  auto understood = found->second;
  older_.erase(found);
  recent_.emplace(std::string{text}, understood);
  return understood;
}

void understanding_cache::keep(std::string_view text, shared understood) const {
  if (entries_ == 0 || text.size() > max_text_bytes) return;
  table dropped;  // declared before the lock: its texts are freed after it is released
  std::lock_guard lock{mutex_};
  if (recent_.size() >= entries_) dropped = std::exchange(older_, std::exchange(recent_, table{}));
  recent_.insert_or_assign(std::string{text}, std::move(understood));
}

}  // namespace advisor::intents
