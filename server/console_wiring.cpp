#include "server/console_wiring.hpp"

#include <spdlog/spdlog.h>

#include <variant>

#include "server/chat_service.hpp"

namespace advisor::server {

std::optional<std::unique_ptr<handoff::review_store>> open_review_store(
    const std::string& db, const review_settings& review, spdlog::logger& log) {
  if (!review.enabled) return std::unique_ptr<handoff::review_store>{};
  auto opened = handoff::review_store::open(db);
  if (auto* error = std::get_if<std::string>(&opened)) {
    log.critical("cannot open the database: {}", *error);
    return std::nullopt;
  }
  return std::get<0>(std::move(opened));
}

console_wiring::console_wiring(boost::asio::io_context& ioc, boost::asio::any_io_executor writer,
                               const metrics& counters, const data_dirs& dirs,
                               handoff::review_store* reviews, const review_settings& review,
                               chat_service& chat, spdlog::logger& log)
    : admin_{ioc, counters, dirs} {
  admin_.loaded();
  if (reviews == nullptr) return;
  recorder_.emplace(ioc, std::move(writer), *reviews, review, log);
  chat.observe_replies([&r = *recorder_](std::string_view text, const dialogue::reply& reply) {
    r.note(text, reply);
  });
  admin_.use_review(reviews, review.retention_days);
}

void console_wiring::start() {
  admin_.start();
  if (recorder_) recorder_->start();
}

void console_wiring::stop() {
  admin_.stop();
  if (recorder_) recorder_->stop();
}

void console_wiring::save_last() {
  if (recorder_) recorder_->save_last();
}

}  // namespace advisor::server
