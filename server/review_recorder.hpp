#pragma once
// Keeps what visitors asked that the bot could not answer well, for the console's "To review"
// list. On the chat's threads a qualifying reply is only copied into a bounded queue; masking
// (intents::mask_personal), grouping and the write happen in batches on the conversation
// writer's thread, as the conversation saver's do, so the chat is not slowed down.

#include <CLI/CLI.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "dialogue/engine.hpp"
#include "handoff/review_store.hpp"

namespace spdlog {
class logger;
}

namespace advisor::server {

struct review_settings {
  bool enabled = true;
  int retention_days = 30;        // groups not seen for this long are deleted
  double below_confidence = 0.5;  // an answer (compare, explain) less sure than this qualifies
  std::size_t max_queued = 1000;  // between two batches; more are dropped (and counted)
  std::chrono::milliseconds flush{2000};
};

// --review-retention-days, --no-review, --review-below-confidence.
void add_review_options(CLI::App& app, review_settings& settings);

// Whether a reply is one to review: a fallback, an out-of-scope reply, a clarifying question,
// or an answer below the confidence threshold. Replies inside the booking form never are.
bool needs_review(const dialogue::reply& reply, double below_confidence);

class review_recorder {
 public:
  review_recorder(boost::asio::io_context& ioc, boost::asio::any_io_executor writer,
                  handoff::review_store& store, review_settings settings, spdlog::logger& log);

  // Any thread, for every reply: cheap when the reply does not qualify.
  void note(std::string_view visitor_text, const dialogue::reply& reply);

  void start();
  void stop();
  void save_last();  // after the I/O threads are gone, before the writer is joined

 private:
  struct pending {
    std::string text;
    std::string reply;
    std::string intent;
    double confidence;
    handoff::time_point at;
  };
  void schedule();
  void write(std::vector<pending> batch);  // on the writer thread

  boost::asio::steady_timer timer_;
  boost::asio::any_io_executor writer_;
  handoff::review_store& store_;
  review_settings settings_;
  spdlog::logger& log_;
  std::mutex mutex_;
  std::vector<pending> queue_;
  std::atomic<std::size_t> dropped_{0};
  std::atomic<std::size_t> queued_{0};  // queue_.size(), readable without the lock
  std::chrono::steady_clock::time_point purged_at_{};
};

}  // namespace advisor::server
