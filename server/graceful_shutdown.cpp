#include "server/graceful_shutdown.hpp"

#include <spdlog/logger.h>
#include <boost/asio/post.hpp>

#include <csignal>

#include "server/connection_registry.hpp"
#include "server/listener.hpp"

namespace advisor::server {

namespace net = boost::asio;

graceful_shutdown::graceful_shutdown(net::io_context& ioc, std::shared_ptr<listener> server,
                                     connection_registry& connections,
                                     std::chrono::seconds deadline, std::function<void()> on_stop,
                                     spdlog::logger& log)
    : ioc_{ioc},
      signals_{ioc, SIGINT, SIGTERM},
      deadline_timer_{ioc},
      server_{std::move(server)},
      connections_{connections},
      deadline_{deadline},
      on_stop_{std::move(on_stop)},
      log_{log} {}

graceful_shutdown::~graceful_shutdown() {
  connections_.forget_on_empty();
}

void graceful_shutdown::start() {
  signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    begin(signal);
  });
}

void graceful_shutdown::begin(int signal) {
  log_.info("signal {}: shutting down", signal);
  server_->stop();
  on_stop_();
  deadline_timer_.expires_after(deadline_);
  deadline_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // everything closed in time
    log_.warn("shutdown deadline reached; closing the remaining connections");
    ioc_.stop();
  });
  connections_.stop_all([this] { net::post(ioc_, [this] { deadline_timer_.cancel(); }); });
}

}  // namespace advisor::server
