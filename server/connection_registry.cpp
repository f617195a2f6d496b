#include "server/connection_registry.hpp"

#include <vector>

namespace advisor::server {

bool connection_registry::add(const std::shared_ptr<connection>& c) {
  std::lock_guard lock{mutex_};
  if (stopping_) return false;
  live_.emplace(c.get(), c);
  return true;
}

void connection_registry::remove(const connection* c) {
  std::function<void()> done;
  {
    std::lock_guard lock{mutex_};
    if (live_.erase(c) == 0) return;
    if (stopping_ && live_.empty()) done = std::move(on_empty_);
  }
  if (done) done();
}

void connection_registry::stop_all(std::function<void()> on_empty) {
  std::vector<std::shared_ptr<connection>> to_stop;
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
    for (const auto& [_, weak] : live_) {
      if (auto c = weak.lock()) to_stop.push_back(std::move(c));
    }
    if (live_.empty()) {
      on_empty_ = nullptr;
    } else {
      on_empty_ = std::move(on_empty);
    }
  }
  if (on_empty) on_empty();  // nothing was open
  for (const auto& c : to_stop) c->stop();
}

void connection_registry::forget_on_empty() {
  std::lock_guard lock{mutex_};
  on_empty_ = nullptr;
}

}  // namespace advisor::server
