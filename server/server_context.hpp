#pragma once
// The shared, long-lived objects a connection needs, owned by main and outliving the
// io_context threads. Passed by reference to every session.

#include <spdlog/logger.h>

#include "server/chat_service.hpp"
#include "server/config.hpp"
#include "server/connection_limit.hpp"
#include "server/connection_registry.hpp"
#include "server/metrics.hpp"
#include "server/rate_limiter.hpp"
#include "server/static_files.hpp"
#include "server/trusted_proxies.hpp"

namespace advisor::handoff {
class lead_store;
}

namespace advisor::server {

class admin_state;

struct server_context {
  const config& settings;
  chat_service& chat;
  const static_files& files;
  metrics& counters;
  connection_registry& connections;
  handoff::lead_store& leads;
  address_rate_limiter& http_chat_limit;  // POST /api/chat, per client address
  spdlog::logger& log;
  connection_limit& websocket_limit;  // --max-connections, --max-connections-per-address
  const trusted_proxies& proxies;     // --trusted-proxy: whose X-Forwarded-For is believed
  admin_state* admin;                 // the console's state; null when there is no console
};

}  // namespace advisor::server
