#include "handoff/lead_store.hpp"

#include <openssl/rand.h>

#include <array>
#include <thread>

#include "handoff/pg_store.hpp"
#include "handoff/sqlite_store.hpp"

namespace advisor::handoff {
namespace {

// The deadline of this thread's lead_store::wait_limit, if one lives.
thread_local std::optional<lead_store::steady_clock::time_point> wait_deadline;

}  // namespace

lead_store::wait_limit::wait_limit(steady_clock::time_point until) : previous_{wait_deadline} {
  wait_deadline = until;
}

lead_store::wait_limit::~wait_limit() {
  wait_deadline = previous_;
}

std::optional<lead_store::steady_clock::time_point> lead_store::deadline() {
  return wait_deadline;
}

std::unique_lock<std::timed_mutex> lead_store::lock_within_limit(std::timed_mutex& mutex) {
  const auto until = deadline();
  if (!until) return std::unique_lock{mutex};
  // Polled rather than try_lock_until: libstdc++ waits on steady_clock with
  // pthread_mutex_clocklock, which ThreadSanitizer (clang 16) does not intercept, so every
  // unlock after it was reported as the unlock of an unlocked mutex.
  std::unique_lock lock{mutex, std::try_to_lock};
  while (!lock.owns_lock()) {
    if (steady_clock::now() >= *until) throw store_busy{"the store is busy with another write"};
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
    (void)lock.try_lock();
  }
  return lock;
}

bool lead_store::is_postgresql(const std::string& where) {
  return where.starts_with("postgresql://") || where.starts_with("postgres://");
}

std::variant<std::unique_ptr<lead_store>, std::string> lead_store::open(const std::string& where,
                                                                        store_options options) {
  if (is_postgresql(where)) return pg_store::open(where, options);
  constexpr std::string_view sqlite_prefix = "sqlite:";
  if (where.starts_with(sqlite_prefix))
    return sqlite_store::open(where.substr(sqlite_prefix.size()));
  return sqlite_store::open(where);
}

std::string new_reference() {
  static constexpr char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford
  std::array<unsigned char, 10> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("no randomness available for a booking reference");
  }
  std::string out = "ADV-";
  for (const auto b : bytes) out.push_back(alphabet[b & 0x1FU]);
  return out;
}

}  // namespace advisor::handoff
