// The HTTP request path: any bytes read by Beast's parser with the session's limits, then the
// request handler (API, health, metrics, leads, calendar files, static files), the upgrade
// decision or POST /api/chat, as http_session does; every response is serialized whole.

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "handoff/lead_store.hpp"
#include "server/chat_service.hpp"
#include "server/connection_limit.hpp"
#include "server/connection_registry.hpp"
#include "server/http_handler.hpp"
#include "server/metrics.hpp"
#include "server/options.hpp"
#include "server/rate_limiter.hpp"
#include "server/server_context.hpp"
#include "server/session_store.hpp"
#include "server/static_files.hpp"
#include "server/trusted_proxies.hpp"
#include "tests/fuzz/fuzz_engine.hpp"

using namespace advisor;
using namespace advisor::server;
namespace net = boost::asio;

namespace {

std::unique_ptr<handoff::lead_store> memory_store() {
  auto opened = handoff::lead_store::open(":memory:");
  if (std::holds_alternative<std::string>(opened)) std::abort();
  return std::get<0>(std::move(opened));
}

// Everything main wires, with the store in memory and the storage thread run by hand.
struct service {
  config settings = [] {
    auto defaults = default_config(ADVISOR_SOURCE_DIR);
    defaults.admin_token = "fuzz-admin-token";  // /api/leads answers when the token is given
    return defaults;
  }();
  std::unique_ptr<handoff::lead_store> leads = memory_store();
  net::io_context storage;
  spdlog::logger log{"fuzz", std::make_shared<spdlog::sinks::null_sink_mt>()};
  session_store sessions{settings.sessions, leads.get()};
  metrics counters;
  // One store and one thread for bookings and conversations alike: enough for the HTTP path.
  chat_service chat{fuzz::project_engine(),
                    sessions,
                    counters,
                    {settings.limit.max_text_chars, 64},
                    {*leads, storage.get_executor(), *leads, storage.get_executor()},
                    [] {},
                    log};
  static_files files{settings.web_root};
  connection_registry connections;
  address_rate_limiter http_chat_limit{settings.limit.rate_per_second, settings.limit.rate_burst};
  connection_limit websocket_limit{settings.limit.max_connections,
                                   settings.limit.max_connections_per_address};
  trusted_proxies proxies = trusted_proxies::parse({}).value();
  server_context ctx{settings,        chat, files,           counters, connections, *leads,
                     http_chat_limit, log,  websocket_limit, proxies,  nullptr};
};

service& the_service() {
  static service s;
  return s;
}

void drain(http::message_generator& response) {
  boost::beast::error_code ec;
  while (!response.is_done()) {
    const auto buffers = response.prepare(ec);
    if (ec) return;
    response.consume(net::buffer_size(buffers));
  }
}

}  // namespace

// Built before the first input: libFuzzer's -timeout is per input, and compiling the project's
// data under the sanitizers takes seconds (it timed out the first input on a loaded machine).
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  the_service();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  service& s = the_service();
  http::request_parser<http::string_body> parser;
  parser.body_limit(s.settings.limit.max_http_body_bytes);
  parser.header_limit(16 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  net::const_buffer rest{data, size};
  while (rest.size() > 0 && !parser.is_done()) {
    const auto used = parser.put(rest, ec);
    if (ec == http::error::need_more) ec = {};
    if (ec || used == 0) break;
    rest += used;
  }
  // The connection ends here: as http_session does, only a started message can be cut short.
  if (!ec && !parser.is_done() && parser.got_some()) parser.put_eof(ec);
  if (ec || !parser.is_done()) {
    auto refused = error_response(http::status::bad_request, 11, "malformed request");
    http::message_generator response{std::move(refused)};
    drain(response);
    return 0;
  }
  auto req = parser.release();
  if (boost::beast::websocket::is_upgrade(req)) {
    (void)decide_upgrade(req, s.settings);
    return 0;
  }
  if (is_chat_post(req)) {
    s.chat.handle_http(req.body(), [&](chat_service::http_answer answer) {
      http::message_generator response{chat_response(req, answer.status, answer.body, s.ctx)};
      drain(response);
    });
    s.storage.run();  // a booking or a form step is written before the answer
    s.storage.restart();
    return 0;
  }
  auto response = handle_request(std::move(req), s.ctx);
  drain(response);
  return 0;
}
