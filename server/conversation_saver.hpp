#pragma once
// Saves the conversations changed since the last save, every `period`, on the conversation
// writer thread: its own SQLite connection, so a save never holds up a booking's lock, and
// no fsync (synchronous=NORMAL for these transactions only), so nothing waits for the disk.
// A crash loses at most the last period of small talk; forms and bookings are saved durably
// before the visitor is told (chat_service). Large batches go in chunks, each its own task,
// so a durable form save queued behind them waits for one chunk at most. A chunk waits for a
// database locked by another process `db_wait` at most, like a visitor's write.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "server/session_store.hpp"

namespace spdlog {
class logger;
}
namespace advisor::handoff {
class conversation_store;
}

namespace advisor::server {

class conversation_saver {
 public:
  conversation_saver(boost::asio::io_context& ioc, boost::asio::any_io_executor writer,
                     session_store& sessions, handoff::conversation_store& store,
                     std::chrono::milliseconds period, std::chrono::seconds ttl,
                     std::chrono::milliseconds db_wait, spdlog::logger& log);

  void start();
  void stop();       // cancels the timer (shutdown)
  void save_last();  // one more save, queued on the writer, after every connection is gone

 private:
  using batch = std::vector<std::shared_ptr<chat_session>>;
  void schedule();
  void save_all();                                                     // queued on the writer
  void save_chunk(std::shared_ptr<batch> sessions, std::size_t from);  // on the writer
  void forget_expired();                                               // on the writer

  boost::asio::steady_timer timer_;
  boost::asio::any_io_executor writer_;
  session_store& sessions_;
  handoff::conversation_store& store_;
  std::chrono::milliseconds period_;
  std::chrono::seconds ttl_;
  std::chrono::milliseconds db_wait_;
  spdlog::logger& log_;
  std::chrono::steady_clock::time_point last_forget_{};  // writer thread only
  // A save still running when the next is due: the next is skipped rather than queued
  // behind it, so a writer short of CPU never piles up batches.
  std::atomic<bool> saving_{false};
};

}  // namespace advisor::server
