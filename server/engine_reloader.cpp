#include "server/engine_reloader.hpp"

#include <spdlog/logger.h>

#include <csignal>

#include "server/chat_service.hpp"
#include "server/metrics.hpp"

namespace advisor::server {

engine_reloader::engine_reloader(boost::asio::io_context& ioc, data_dirs dirs,
                                 engine_settings settings, chat_service& chat, metrics& counters,
                                 spdlog::logger& log, std::function<void()> on_reloaded)
    : signal_{ioc, SIGHUP},
      dirs_{std::move(dirs)},
      settings_{std::move(settings)},
      chat_{chat},
      counters_{counters},
      log_{log},
      on_reloaded_{std::move(on_reloaded)} {}

void engine_reloader::start() {
  wait();
}

void engine_reloader::stop() {
  signal_.cancel();
}

void engine_reloader::wait() {
  signal_.async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;  // cancelled at shutdown
    reload();
    wait();
  });
}

void engine_reloader::reload() {
  auto reloaded = load_engine(dirs_, settings_);
  // The log line comes last: whoever reads it (an operator, a test) finds the counter and
  // the engine already changed.
  if (auto* error = std::get_if<std::string>(&reloaded)) {
    counters_.engine_reload(false);
    log_.error("reload refused, keeping the loaded knowledge: {}", *error);
    return;
  }
  chat_.replace_engine(std::get<dialogue::engine_ptr>(std::move(reloaded)));
  counters_.engine_reload(true);
  if (on_reloaded_) on_reloaded_();
  log_.info("reloaded intents and knowledge");
}

}  // namespace advisor::server
