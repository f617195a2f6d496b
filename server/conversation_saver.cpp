#include "server/conversation_saver.hpp"

#include <spdlog/logger.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <exception>

#include "handoff/lead_store.hpp"

namespace advisor::server {

namespace net = boost::asio;

namespace {

constexpr std::size_t chunk_size = 128;
constexpr std::chrono::seconds forget_every{60};  // expired rows go in one scan a minute

handoff::time_point wall_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

conversation_saver::conversation_saver(net::io_context& ioc, net::any_io_executor writer,
                                       session_store& sessions, handoff::conversation_store& store,
                                       std::chrono::milliseconds period, std::chrono::seconds ttl,
                                       std::chrono::milliseconds db_wait, spdlog::logger& log)
    : timer_{ioc},
      writer_{std::move(writer)},
      sessions_{sessions},
      store_{store},
      period_{period},
      ttl_{ttl},
      db_wait_{db_wait},
      log_{log} {}

void conversation_saver::start() {
  schedule();
}

void conversation_saver::stop() {
  timer_.cancel();
}

void conversation_saver::schedule() {
  timer_.expires_after(period_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // cancelled at shutdown
    if (!saving_.exchange(true)) save_all();
    schedule();
  });
}

void conversation_saver::save_last() {
  saving_ = true;
  save_all();
}

void conversation_saver::save_all() {
  net::post(writer_, [this] {
    save_chunk(std::make_shared<batch>(sessions_.take_dirty()), 0);
    forget_expired();
  });
}

void conversation_saver::save_chunk(std::shared_ptr<batch> sessions, std::size_t from) {
  const auto to = std::min(sessions->size(), from + chunk_size);
  std::vector<handoff::session_save> rows;
  rows.reserve(to - from);
  for (auto i = from; i < to; ++i) rows.push_back(session_store::snapshot(*(*sessions)[i]));
  try {
    const handoff::lead_store::wait_limit limit{std::chrono::steady_clock::now() + db_wait_};
    const auto versions = store_.save_sessions(rows, wall_now(), /*durable=*/false);
    for (auto i = from; i < to && i - from < versions.size(); ++i) {
      sessions_.saved((*sessions)[i], versions[i - from]);
    }
  } catch (const std::exception& e) {
    log_.error("cannot save conversations: {}", e.what());
    for (auto i = from; i < to; ++i) sessions_.mark_dirty((*sessions)[i]);  // next time
  }
  if (to == sessions->size()) {
    saving_ = false;
    return;
  }
  net::post(writer_, [this, sessions = std::move(sessions), to]() mutable {
    save_chunk(std::move(sessions), to);
  });
}

void conversation_saver::forget_expired() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_forget_ < forget_every) return;
  last_forget_ = now;
  try {
    const handoff::lead_store::wait_limit limit{now + db_wait_};
    store_.forget_sessions(wall_now() - ttl_);
  } catch (const std::exception& e) {
    log_.error("cannot forget expired conversations: {}", e.what());
  }
}

}  // namespace advisor::server
