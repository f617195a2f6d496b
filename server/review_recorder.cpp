#include "server/review_recorder.hpp"

#include <spdlog/logger.h>
#include <boost/asio/post.hpp>

#include <exception>

#include "intents/personal_data.hpp"

namespace advisor::server {

namespace net = boost::asio;

namespace {

constexpr std::size_t max_text_bytes = 2000;  // what one group keeps of a message
constexpr std::chrono::minutes purge_every{60};

handoff::time_point wall_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

void add_review_options(CLI::App& app, review_settings& settings) {
  app.add_option("--review-retention-days", settings.retention_days,
                 "days a question to review is kept after it was last asked")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  app.add_flag("!--no-review", settings.enabled, "keep no questions for the console's review list");
  app.add_option("--review-below-confidence", settings.below_confidence,
                 "answers less confident than this are kept for review")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
}

bool needs_review(const dialogue::reply& reply, double below_confidence) {
  if (reply.form || reply.booking) return false;  // the form's answers hold personal data
  using intents::intent;
  switch (reply.intent) {
    case intent::fallback:
    case intent::out_of_scope:
    case intent::clarify:
      return true;
    case intent::compare:
    case intent::explain:
      return reply.confidence < below_confidence;
    default:
      return false;
  }
}

review_recorder::review_recorder(net::io_context& ioc, net::any_io_executor writer,
                                 handoff::review_store& store, review_settings settings,
                                 spdlog::logger& log)
    : timer_{ioc}, writer_{std::move(writer)}, store_{store}, settings_{settings}, log_{log} {}

void review_recorder::note(std::string_view visitor_text, const dialogue::reply& reply) {
  if (!needs_review(reply, settings_.below_confidence)) return;
  // Under load most notes are dropped: find out before copying the texts (a racy read; the
  // check under the lock below is the one that counts).
  if (queued_.load(std::memory_order_relaxed) >= settings_.max_queued) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  pending p{std::string{visitor_text.substr(0, max_text_bytes)},
            std::string{std::string_view{reply.text}.substr(0, max_text_bytes)},
            std::string{intents::to_string(reply.intent)}, reply.confidence, wall_now()};
  const std::lock_guard lock{mutex_};
  if (queue_.size() >= settings_.max_queued) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  queue_.push_back(std::move(p));
  queued_.store(queue_.size(), std::memory_order_relaxed);
}

void review_recorder::start() {
  schedule();
}

void review_recorder::stop() {
  timer_.cancel();
}

void review_recorder::schedule() {
  timer_.expires_after(settings_.flush);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // cancelled at shutdown
    std::vector<pending> batch;
    {
      const std::lock_guard lock{mutex_};
      batch.swap(queue_);
      queued_.store(0, std::memory_order_relaxed);
    }
    net::post(writer_, [this, batch = std::move(batch)]() mutable { write(std::move(batch)); });
    schedule();
  });
}

void review_recorder::save_last() {
  std::vector<pending> batch;
  {
    const std::lock_guard lock{mutex_};
    batch.swap(queue_);
    queued_.store(0, std::memory_order_relaxed);
  }
  // On the writer too (the caller joins it next), so that writes never overlap.
  net::post(writer_, [this, batch = std::move(batch)]() mutable { write(std::move(batch)); });
}

void review_recorder::write(std::vector<pending> batch) {
  try {
    if (!batch.empty()) {
      std::vector<handoff::review_note> notes;
      notes.reserve(batch.size());
      for (auto& p : batch) {
        auto masked = intents::mask_personal(p.text);
        auto key = intents::review_key(masked);
        if (key.empty()) continue;
        // The reply may quote the visitor: it is masked too.
        notes.push_back({std::move(key), std::move(masked), intents::mask_personal(p.reply),
                         std::move(p.intent), p.confidence, p.at});
      }
      store_.record(notes);
    }
    if (const auto dropped = dropped_.exchange(0); dropped > 0) {
      log_.warn("review: {} questions not kept (more than {} between two batches)", dropped,
                settings_.max_queued);
    }
    const auto now = std::chrono::steady_clock::now();
    if (purged_at_ == std::chrono::steady_clock::time_point{} || now - purged_at_ > purge_every) {
      purged_at_ = now;
      store_.purge(wall_now() - std::chrono::days{settings_.retention_days});
    }
  } catch (const std::exception& e) {
    log_.error("review: cannot store the questions to review: {}", e.what());
  }
}

}  // namespace advisor::server
