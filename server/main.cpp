// advisor: parses the configuration, builds the shared objects and wires them together.
// Nothing else happens here.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <thread>
#include <vector>

#include "server/chat_service.hpp"
#include "server/config.hpp"
#include "server/connection_registry.hpp"
#include "server/engine_loader.hpp"
#include "server/listener.hpp"
#include "server/metrics.hpp"
#include "server/session_store.hpp"
#include "server/static_files.hpp"

namespace net = boost::asio;
using namespace advisor::server;

namespace {

// The data folders default to the source tree this binary was built from.
config default_config() {
  config c;
  c.web_root = ADVISOR_SOURCE_DIR "/web";
  c.intents_dir = ADVISOR_SOURCE_DIR "/intents/data";
  c.knowledge_dir = ADVISOR_SOURCE_DIR "/knowledge/data";
  return c;
}

void add_options(CLI::App& app, config& c) {
  auto seconds = [&app](const char* name, std::chrono::seconds& field, const char* help) {
    app.add_option_function<long>(
           name, [&field](long v) { field = std::chrono::seconds{v}; }, help)
        ->check(CLI::Range(1L, 86400L))
        ->default_str(std::to_string(field.count()));
  };
  app.add_option("--address", c.address, "address to listen on")->capture_default_str();
  app.add_option("--port", c.port, "port to listen on; 0 picks a free one")->capture_default_str();
  app.add_option("--threads", c.threads, "I/O threads; 0 = one per hardware thread")
      ->capture_default_str();
  app.add_option("--allow-origin", c.allowed_origins,
                 "allowed browser Origin for WebSocket (repeatable); none = any");
  app.add_option("--web-root", c.web_root, "folder of the widget and demo page")
      ->capture_default_str();
  app.add_option("--intents-dir", c.intents_dir, "folder of the intent data")->capture_default_str();
  app.add_option("--knowledge-dir", c.knowledge_dir, "folder of the guide and its data")
      ->capture_default_str();
  app.add_option("--max-frame-bytes", c.limit.max_frame_bytes,
                 "largest WebSocket message accepted (larger: close 1009)")
      ->check(CLI::Range(256UL, 16UL * 1024 * 1024))
      ->capture_default_str();
  app.add_option("--rate-limit", c.limit.rate_per_second, "messages per second per connection")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--rate-burst", c.limit.rate_burst, "messages a connection may send at once")
      ->check(CLI::Range(1.0, 100000.0))
      ->capture_default_str();
  seconds("--handshake-timeout", c.limit.handshake_timeout, "WebSocket handshake deadline (s)");
  seconds("--idle-timeout", c.limit.idle_timeout,
          "close a silent WebSocket peer after this (s); pinged at half");
  seconds("--http-timeout", c.limit.http_timeout, "deadline for one HTTP request (s)");
  seconds("--session-ttl", c.sessions.ttl, "forget a conversation idle this long (s)");
  seconds("--shutdown-timeout", c.shutdown_timeout, "graceful shutdown deadline (s)");
  app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  config settings = default_config();
  CLI::App app{"advisor: the Node.js-or-Python advisory chat service"};
  add_options(app, settings);
  CLI11_PARSE(app, argc, argv);

  // Logs go to stderr; stdout carries only the "listening on" line that scripts read.
  auto log = std::make_shared<spdlog::logger>(
      "advisor", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  log->set_level(spdlog::level::from_str(settings.log_level));

  const data_dirs dirs{settings.intents_dir, settings.knowledge_dir};
  auto loaded = load_engine(dirs);
  if (auto* error = std::get_if<std::string>(&loaded)) {
    log->critical("cannot load knowledge: {}", *error);
    return 2;
  }

  session_store sessions{settings.sessions};
  metrics counters;
  chat_service chat{std::get<advisor::dialogue::engine_ptr>(std::move(loaded)), sessions, counters,
                    {settings.limit.max_text_chars, 64}};
  const static_files files{settings.web_root};
  connection_registry connections;
  server_context ctx{settings, chat, files, counters, connections, *log};

  const unsigned threads =
      settings.threads != 0 ? settings.threads : std::max(1U, std::thread::hardware_concurrency());
  net::io_context ioc{static_cast<int>(threads)};

  boost::system::error_code ec;
  const auto address = net::ip::make_address(settings.address, ec);
  if (ec) {
    log->critical("--address {}: {}", settings.address, ec.message());
    return 2;
  }
  auto server = std::make_shared<listener>(ioc, ctx);
  if (ec = server->open({address, settings.port}); ec) {
    log->critical("cannot listen on {}:{}: {}", settings.address, settings.port, ec.message());
    return 2;
  }
  const auto bound = server->local_endpoint();
  std::cout << "listening on " << bound.address().to_string() << ':' << bound.port() << std::endl;
  if (settings.allowed_origins.empty()) {
    log->warn("no --allow-origin given: WebSocket upgrades from any origin are accepted");
  }
  server->run();

  // SIGHUP: reload intents and knowledge; a broken file keeps the running set.
  net::signal_set reload_signal{ioc, SIGHUP};
  std::function<void()> wait_for_reload = [&] {
    reload_signal.async_wait([&](boost::system::error_code wait_ec, int) {
      if (wait_ec) return;  // cancelled at shutdown
      auto reloaded = load_engine(dirs);
      if (auto* error = std::get_if<std::string>(&reloaded)) {
        log->error("reload refused, keeping the loaded knowledge: {}", *error);
        counters.engine_reload(false);
      } else {
        chat.replace_engine(std::get<advisor::dialogue::engine_ptr>(std::move(reloaded)));
        log->info("reloaded intents and knowledge");
        counters.engine_reload(true);
      }
      wait_for_reload();
    });
  };
  wait_for_reload();

  // SIGINT/SIGTERM: stop accepting, close WebSockets with 1001 after their queued replies,
  // let HTTP responses finish; give up after --shutdown-timeout.
  net::signal_set stop_signals{ioc, SIGINT, SIGTERM};
  net::steady_timer deadline{ioc};
  stop_signals.async_wait([&](boost::system::error_code wait_ec, int signal) {
    if (wait_ec) return;
    log->info("signal {}: shutting down", signal);
    server->stop();
    reload_signal.cancel();
    deadline.expires_after(settings.shutdown_timeout);
    deadline.async_wait([&](boost::system::error_code timer_ec) {
      if (timer_ec) return;  // everything closed in time
      log->warn("shutdown deadline reached; closing the remaining connections");
      ioc.stop();
    });
    connections.stop_all([&] { net::post(ioc, [&] { deadline.cancel(); }); });
  });

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  log->info("stopped");
  return 0;
}
