#pragma once
// The operators' console wired into the server: its state (admin_state) and, unless
// --no-review, the questions to review (review_recorder, told of each reply by chat_service,
// writing to the review store on the conversation writer's thread). main builds one beside
// the other long-lived objects and starts, stops and flushes it with them.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <string>

#include "handoff/review_store.hpp"
#include "server/admin_state.hpp"
#include "server/engine_loader.hpp"
#include "server/review_recorder.hpp"

namespace spdlog {
class logger;
}

namespace advisor::server {

class chat_service;
class metrics;

// The questions to review, on a connection of their own to `db`: null inside when
// --no-review; nullopt (and a critical log line) when the store cannot be opened.
std::optional<std::unique_ptr<handoff::review_store>> open_review_store(
    const std::string& db, const review_settings& review, spdlog::logger& log);

class console_wiring {
 public:
  // `reviews`: from open_review_store, null when --no-review; it and `chat` outlive this.
  console_wiring(boost::asio::io_context& ioc, boost::asio::any_io_executor writer,
                 const metrics& counters, const data_dirs& dirs, handoff::review_store* reviews,
                 const review_settings& review, chat_service& chat, spdlog::logger& log);

  admin_state& state() { return admin_; }
  void loaded() { admin_.loaded(); }  // the data folders were (re)loaded just now

  void start();
  void stop();       // from the shutdown sequence
  void save_last();  // after the I/O threads are gone, before the writer is joined

 private:
  admin_state admin_;
  std::optional<review_recorder> recorder_;
};

}  // namespace advisor::server
