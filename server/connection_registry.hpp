#pragma once
// The open connections, so that a graceful shutdown can reach each one (through its own
// strand: `stop()` only posts) and learn when the last one is gone.

#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace advisor::server {

class connection {
 public:
  virtual ~connection() = default;
  // Finish what is in flight, then close. Called from any thread.
  virtual void stop() = 0;
};

class connection_registry {
 public:
  // False when shutting down: the caller closes instead of serving.
  bool add(const std::shared_ptr<connection>& c);
  // From the connection's destructor.
  void remove(const connection* c);
  // Stops every connection; `on_empty` runs once no connection is left (maybe at once).
  void stop_all(std::function<void()> on_empty);
  // Drops stop_all's `on_empty` unrun: its owner is going away while connections still live
  // (the shutdown deadline passed; they are destroyed with the io_context, after it).
  void forget_on_empty();

 private:
  std::mutex mutex_;
  std::unordered_map<const connection*, std::weak_ptr<connection>> live_;
  bool stopping_ = false;
  std::function<void()> on_empty_;
};

}  // namespace advisor::server
