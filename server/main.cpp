// advisor: parses the configuration, builds the shared objects and wires them together.
// Nothing else happens here.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "handoff/lead_store.hpp"
#include "handoff/webhook.hpp"
#include "server/background_priority.hpp"
#include "server/chat_service.hpp"
#include "server/check_command.hpp"
#include "server/config.hpp"
#include "server/connection_registry.hpp"
#include "server/console_wiring.hpp"
#include "server/conversation_saver.hpp"
#include "server/engine_loader.hpp"
#include "server/engine_reloader.hpp"
#include "server/graceful_shutdown.hpp"
#include "server/leads_command.hpp"
#include "server/listener.hpp"
#include "server/metrics.hpp"
#include "server/options.hpp"
#include "server/rate_limiter.hpp"
#include "server/session_store.hpp"
#include "server/static_files.hpp"
#include "server/trusted_proxies.hpp"

namespace net = boost::asio;
using namespace advisor::server;

namespace {

// A mistyped --db silently starting an empty store is the mistake this line catches.
void log_database(spdlog::logger& log, const std::string& where, bool created) {
  std::string name = advisor::handoff::redacted_uri(where);
  const bool postgresql = advisor::handoff::lead_store::is_postgresql(where);
  if (!postgresql) {
    std::error_code ec;
    const std::string_view prefix = "sqlite:";
    if (where.starts_with(prefix)) name = where.substr(prefix.size());
    name = std::filesystem::absolute(name, ec).string();
  }
  if (created) {
    log.warn("database {}: created, new and empty (if bookings were expected, check --db)", name);
  } else {
    log.info("database {}: opened the existing {}", name, postgresql ? "database" : "file");
  }
}

using store_ptr = std::unique_ptr<advisor::handoff::lead_store>;

// What the service keeps and sends through. Two connections to one store: bookings and the
// outbox on one, conversations on the other, each with a writer thread of its own; the
// webhook sender, which reads the outbox; the questions to review (null when --no-review).
struct storage {
  store_ptr leads;
  store_ptr conversations;
  std::unique_ptr<advisor::handoff::webhook_sender> webhook;
  std::unique_ptr<advisor::handoff::review_store> reviews;
};

std::optional<storage> open_storage(const config& settings, const review_settings& review,
                                    spdlog::logger& log) {
  // A delivery is left to the instance that claimed it for longer than one attempt can take.
  const advisor::handoff::store_options options{settings.webhook.request_timeout +
                                                std::chrono::seconds{5}};
  storage out;
  for (store_ptr* store : {&out.leads, &out.conversations}) {
    auto opened = advisor::handoff::lead_store::open(settings.db, options);
    if (auto* error = std::get_if<std::string>(&opened)) {
      log.critical("cannot open the database: {}", *error);
      return std::nullopt;
    }
    *store = std::move(std::get<store_ptr>(opened));
  }
  log_database(log, settings.db, out.leads->created());
  auto created = advisor::handoff::webhook_sender::create(settings.webhook, *out.leads, log);
  if (auto* error = std::get_if<std::string>(&created)) {
    log.critical("{}", *error);
    return std::nullopt;
  }
  out.webhook = std::get<0>(std::move(created));
  auto reviews = open_review_store(settings.db, review, log);
  if (!reviews) return std::nullopt;
  out.reviews = std::move(*reviews);
  return out;
}

// Binds the port and prints the "listening on" line that scripts read; null when it cannot.
std::shared_ptr<listener> open_listener(net::io_context& ioc, server_context& ctx,
                                        const config& settings, spdlog::logger& log) {
  boost::system::error_code ec;
  const auto address = net::ip::make_address(settings.address, ec);
  if (ec) {
    log.critical("--address {}: {}", settings.address, ec.message());
    return nullptr;
  }
  auto server = std::make_shared<listener>(ioc, ctx);
  if (ec = server->open({address, settings.port}); ec) {
    log.critical("cannot listen on {}:{}: {}", settings.address, settings.port, ec.message());
    return nullptr;
  }
  const auto bound = server->local_endpoint();
  std::cout << "listening on " << bound.address().to_string() << ':' << bound.port() << std::endl;
  return server;
}

// What the operator left at its default and may not have meant to.
void log_open_settings(const config& settings, spdlog::logger& log) {
  if (settings.allowed_origins.empty()) {
    log.warn("no --allow-origin given: WebSocket upgrades from any origin are accepted");
  }
  if (settings.webhook.url.empty()) log.info("no --webhook-url: bookings wait in the outbox");
  if (settings.admin_token.empty()) {
    log.info("ADVISOR_ADMIN_TOKEN not set: /api/leads and /admin are off");
  }
}

unsigned io_threads(const config& settings) {
  return settings.threads != 0 ? settings.threads
                               : std::max(1U, std::thread::hardware_concurrency());
}

// Runs the io_context on `threads` threads, this one included, until it stops.
void run(net::io_context& ioc, unsigned threads) {
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
}

int serve(config& settings, const review_settings& review, spdlog::logger& log) {
  const data_dirs dirs{settings.intents_dir, settings.knowledge_dir};
  const engine_settings built_with{settings.hours, settings.understanding_cache};
  auto loaded = load_engine(dirs, built_with);
  if (auto* error = std::get_if<std::string>(&loaded)) {
    log.critical("cannot load knowledge: {}", *error);
    return 2;
  }
  auto store = open_storage(settings, review, log);
  if (!store) return 2;
  auto& leads = *store->leads;
  auto& conversations = *store->conversations;
  auto& webhook = *store->webhook;

  // One writer per store: bookings in order on one thread, conversations on another.
  net::thread_pool booking_writer{1};
  net::thread_pool conversation_writer{1};
  net::post(conversation_writer, make_background_thread);  // yields to the I/O threads
  session_store sessions{settings.sessions, &conversations};
  metrics counters;
  const chat_storage writes{leads, booking_writer.get_executor(), conversations,
                            conversation_writer.get_executor()};
  chat_service chat{std::get<advisor::dialogue::engine_ptr>(std::move(loaded)),
                    sessions,
                    counters,
                    {settings.limit.max_text_chars, 64},
                    writes,
                    [&webhook] { webhook.notify(); },
                    log,
                    settings.db_wait};
  const static_files files{settings.web_root};
  connection_registry connections;
  address_rate_limiter http_chat_limit{settings.limit.rate_per_second, settings.limit.rate_burst};
  connection_limit websocket_limit{settings.limit.max_connections,
                                   settings.limit.max_connections_per_address};
  // Each entry was checked when the command line was read.
  const trusted_proxies proxies = trusted_proxies::parse(settings.trusted_proxies).value();
  // Before the io_context: handlers it still holds when it is destroyed (a connection open at
  // the shutdown deadline) end sessions that use the context.
  server_context ctx{settings,        chat, files,           counters, connections, leads,
                     http_chat_limit, log,  websocket_limit, proxies,  nullptr};
  const unsigned threads = io_threads(settings);
  net::io_context ioc{static_cast<int>(threads)};
  console_wiring console(ioc, conversation_writer.get_executor(), counters, dirs,
                         store->reviews.get(), review, chat, log);
  ctx.admin = &console.state();

  const auto server = open_listener(ioc, ctx, settings, log);
  if (!server) return 2;
  log_open_settings(settings, log);
  server->run();
  webhook.start();

  conversation_saver saver(ioc, conversation_writer.get_executor(), sessions, conversations,
                           settings.session_flush, settings.sessions.ttl, settings.db_wait, log);
  saver.start();
  engine_reloader reloader{
      ioc, dirs, built_with, chat, counters, log, [&console] { console.loaded(); }};
  reloader.start();
  console.start();
  auto stop_timers = [&] {
    reloader.stop();
    saver.stop();
    console.stop();
  };
  graceful_shutdown shutdown{ioc, server, connections, settings.shutdown_timeout, stop_timers, log};
  shutdown.start();

  run(ioc, threads);
  webhook.stop();
  saver.save_last();  // the last conversations, after every connection is gone
  console.save_last();
  booking_writer.join();
  conversation_writer.join();
  log.info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  config settings = default_config(ADVISOR_SOURCE_DIR);
  CLI::App app{"advisor: the Node.js-or-Python advisory chat service"};
  add_server_options(app, settings);
  review_settings review;
  add_review_options(app, review);
  leads_command leads{app, settings};
  check_command check{app, settings};
  CLI11_PARSE(app, argc, argv);

  if (const char* token = std::getenv("ADVISOR_ADMIN_TOKEN")) settings.admin_token = token;
  if (const char* secret = std::getenv("ADVISOR_WEBHOOK_SECRET");
      secret && settings.webhook.secret.empty()) {
    settings.webhook.secret = secret;
  }

  if (leads.selected()) return leads.run(std::cout, std::cerr);
  if (check.selected()) return check.run(std::cout, std::cerr);

  // Logs go to stderr; stdout carries only the "listening on" line that scripts read.
  auto log = std::make_shared<spdlog::logger>(
      "advisor", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  log->set_level(spdlog::level::from_str(settings.log_level));
  return serve(settings, review, *log);
}
