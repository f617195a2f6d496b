// advisor: parses the configuration, builds the shared objects and wires them together.
// Nothing else happens here.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>
#include <vector>

#include "handoff/lead_store.hpp"
#include "handoff/webhook.hpp"
#include "server/chat_service.hpp"
#include "server/config.hpp"
#include "server/connection_registry.hpp"
#include "server/engine_loader.hpp"
#include "server/leads_command.hpp"
#include "server/listener.hpp"
#include "server/metrics.hpp"
#include "server/options.hpp"
#include "server/rate_limiter.hpp"
#include "server/session_store.hpp"
#include "server/static_files.hpp"

namespace net = boost::asio;
using namespace advisor::server;

namespace {

// A mistyped --db silently starting an empty store is the mistake this line catches.
void log_database(spdlog::logger& log, const std::filesystem::path& file, bool created) {
  std::error_code ec;
  const auto path = std::filesystem::absolute(file, ec).string();
  if (created) {
    log.warn("database {}: created, new and empty (if bookings were expected, check --db)", path);
  } else {
    log.info("database {}: opened the existing file", path);
  }
}

int serve(config& settings, spdlog::logger& log) {
  const data_dirs dirs{settings.intents_dir, settings.knowledge_dir};
  auto loaded = load_engine(dirs, settings.hours);
  if (auto* error = std::get_if<std::string>(&loaded)) {
    log.critical("cannot load knowledge: {}", *error);
    return 2;
  }
  auto opened = advisor::handoff::lead_store::open(settings.db);
  if (auto* error = std::get_if<std::string>(&opened)) {
    log.critical("cannot open the database: {}", *error);
    return 2;
  }
  auto& leads = *std::get<0>(opened);
  log_database(log, settings.db, leads.created());
  auto created = advisor::handoff::webhook_sender::create(settings.webhook, leads, log);
  if (auto* error = std::get_if<std::string>(&created)) {
    log.critical("{}", *error);
    return 2;
  }
  auto& webhook = *std::get<0>(created);

  // The one writer: bookings and saved conversations are written on this thread, in order.
  net::thread_pool storage{1};
  session_store sessions{settings.sessions, &leads};
  metrics counters;
  chat_service chat{std::get<advisor::dialogue::engine_ptr>(std::move(loaded)),
                    sessions,
                    counters,
                    {settings.limit.max_text_chars, 64},
                    leads,
                    storage.get_executor(),
                    [&webhook] { webhook.notify(); },
                    log,
                    settings.db_wait};
  const static_files files{settings.web_root};
  connection_registry connections;
  address_rate_limiter http_chat_limit{settings.limit.rate_per_second, settings.limit.rate_burst};
  server_context ctx{settings, chat, files, counters, connections, leads, http_chat_limit, log};

  const unsigned threads =
      settings.threads != 0 ? settings.threads : std::max(1U, std::thread::hardware_concurrency());
  net::io_context ioc{static_cast<int>(threads)};

  boost::system::error_code ec;
  const auto address = net::ip::make_address(settings.address, ec);
  if (ec) {
    log.critical("--address {}: {}", settings.address, ec.message());
    return 2;
  }
  auto server = std::make_shared<listener>(ioc, ctx);
  if (ec = server->open({address, settings.port}); ec) {
    log.critical("cannot listen on {}:{}: {}", settings.address, settings.port, ec.message());
    return 2;
  }
  const auto bound = server->local_endpoint();
  std::cout << "listening on " << bound.address().to_string() << ':' << bound.port() << std::endl;
  if (settings.allowed_origins.empty()) {
    log.warn("no --allow-origin given: WebSocket upgrades from any origin are accepted");
  }
  if (settings.webhook.url.empty()) log.info("no --webhook-url: bookings wait in the outbox");
  if (settings.admin_token.empty()) log.info("ADVISOR_ADMIN_TOKEN not set: /api/leads is off");
  server->run();
  webhook.start();

  // Conversations changed since the last flush are saved in one transaction.
  auto flush = [&] {
    net::post(storage, [&] {
      // Bounded like a visitor's write, so visitors queued behind it are not held longer; what
      // could not be saved is saved at the next flush.
      const advisor::handoff::lead_store::wait_limit limit{std::chrono::steady_clock::now() +
                                                           settings.db_wait};
      auto dirty = sessions.take_dirty();
      try {
        leads.save_sessions(dirty, std::chrono::time_point_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now()));
        leads.forget_sessions(std::chrono::time_point_cast<std::chrono::seconds>(
            std::chrono::system_clock::now() - settings.sessions.ttl));
      } catch (const std::exception& e) {
        sessions.mark_unsaved(dirty);
        log.error("cannot save conversations: {}", e.what());
      }
    });
  };
  net::steady_timer flush_timer{ioc};
  std::function<void()> schedule_flush = [&] {
    flush_timer.expires_after(settings.session_flush);
    flush_timer.async_wait([&](boost::system::error_code wait_ec) {
      if (wait_ec) return;  // cancelled at shutdown
      flush();
      schedule_flush();
    });
  };
  schedule_flush();

  // SIGHUP: reload intents and knowledge; a broken file keeps the running set.
  net::signal_set reload_signal{ioc, SIGHUP};
  std::function<void()> wait_for_reload = [&] {
    reload_signal.async_wait([&](boost::system::error_code wait_ec, int) {
      if (wait_ec) return;  // cancelled at shutdown
      auto reloaded = load_engine(dirs, settings.hours);
      // The log line comes last: whoever reads it (an operator, a test) finds the counter
      // and the engine already changed.
      if (auto* error = std::get_if<std::string>(&reloaded)) {
        counters.engine_reload(false);
        log.error("reload refused, keeping the loaded knowledge: {}", *error);
      } else {
        chat.replace_engine(std::get<advisor::dialogue::engine_ptr>(std::move(reloaded)));
        counters.engine_reload(true);
        log.info("reloaded intents and knowledge");
      }
      wait_for_reload();
    });
  };
  wait_for_reload();

  // SIGINT/SIGTERM: stop accepting, close WebSockets with 1001 after their pending replies,
  // let HTTP responses finish; give up after --shutdown-timeout.
  net::signal_set stop_signals{ioc, SIGINT, SIGTERM};
  net::steady_timer deadline{ioc};
  stop_signals.async_wait([&](boost::system::error_code wait_ec, int signal) {
    if (wait_ec) return;
    log.info("signal {}: shutting down", signal);
    server->stop();
    reload_signal.cancel();
    flush_timer.cancel();
    deadline.expires_after(settings.shutdown_timeout);
    deadline.async_wait([&](boost::system::error_code timer_ec) {
      if (timer_ec) return;  // everything closed in time
      log.warn("shutdown deadline reached; closing the remaining connections");
      ioc.stop();
    });
    connections.stop_all([&] { net::post(ioc, [&] { deadline.cancel(); }); });
  });

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  webhook.stop();
  flush();  // the last conversations, after every connection is gone
  storage.join();
  log.info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  config settings = default_config(ADVISOR_SOURCE_DIR);
  CLI::App app{"advisor: the Node.js-or-Python advisory chat service"};
  add_server_options(app, settings);
  leads_command leads{app, settings};
  CLI11_PARSE(app, argc, argv);

  if (const char* token = std::getenv("ADVISOR_ADMIN_TOKEN")) settings.admin_token = token;
  if (const char* secret = std::getenv("ADVISOR_WEBHOOK_SECRET");
      secret && settings.webhook.secret.empty()) {
    settings.webhook.secret = secret;
  }

  if (leads.selected()) return leads.run(std::cout, std::cerr);

  // Logs go to stderr; stdout carries only the "listening on" line that scripts read.
  auto log = std::make_shared<spdlog::logger>(
      "advisor", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  log->set_level(spdlog::level::from_str(settings.log_level));
  return serve(settings, *log);
}
