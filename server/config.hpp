#pragma once
// Every setting of the service, with its default. Built once in main from the command line,
// then each object receives the part it needs.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "dialogue/engine.hpp"
#include "handoff/webhook.hpp"

namespace advisor::server {

struct limits {
  std::size_t max_frame_bytes = 16 * 1024;  // larger WebSocket messages close with 1009
  std::size_t max_text_chars = dialogue::max_message_chars;  // longer text is `too_long`
  std::size_t max_http_body_bytes = 64 * 1024;               // POST bodies beyond this get 413
  std::size_t max_write_queue = 64;               // frames queued per connection before reads pause
  std::size_t max_connections = 10000;            // WebSockets open at once; more get 503
  std::size_t max_connections_per_address = 256;  // ... from one client address; more get 429
  std::size_t max_fragments = 0;             // frames in one message, more close 1009; 0: see below
  std::chrono::seconds message_timeout{30};  // a message must be complete this long after its
                                             // first frame; later closes with 1008
  std::chrono::seconds handshake_timeout{30};  // WebSocket upgrade must complete within this
  std::chrono::seconds idle_timeout{300};      // silent peers are pinged at half, closed at full
  std::chrono::seconds http_timeout{30};       // one HTTP request must arrive within this
  double rate_per_second = 10.0;               // messages a connection may send, sustained
  double rate_burst = 60.0;                    // ... and in one burst
  double control_frame_rate = 2.0;             // pings and pongs a connection may send, sustained
  double control_frame_burst = 20.0;           // ... and in one burst; beyond, close 1008
};

// The cap on frames per message: as given, or by default one frame per KiB of the frame
// limit and at least 128 (a Beast client sends 4 KiB frames, a browser one frame).
inline std::size_t max_fragments_per_message(const limits& limit) {
  if (limit.max_fragments != 0) return limit.max_fragments;
  return std::max<std::size_t>(128, limit.max_frame_bytes / 1024);
}

struct sessions_config {
  std::chrono::seconds ttl{30 * 60};  // a conversation idle this long is forgotten
  std::size_t max_sessions = 100000;  // oldest idle sessions are dropped beyond this
};

struct config {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0 picks a free port, printed as "listening on ADDR:PORT"
  unsigned threads = 0;        // 0 = hardware threads
  std::vector<std::string> allowed_origins;  // empty = any origin (said at start-up)
  // Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the client,
  // for the per-address limits; empty = the TCP peer is the client.
  std::vector<std::string> trusted_proxies;
  std::filesystem::path web_root;             // widget, demo page
  std::filesystem::path intents_dir;          // intents.json, lexicon
  std::filesystem::path knowledge_dir;        // the guide and its tagging data
  std::chrono::seconds shutdown_timeout{10};  // graceful shutdown waits at most this long
  std::string log_level = "info";
  // Bookings, outbox, sessions: a SQLite file ("sqlite:" optional) or a postgresql:// URI.
  std::string db = "data/advisor.db";
  std::string admin_token;             // from ADVISOR_ADMIN_TOKEN; empty: the admin API is off
  std::string organizer = "our team";  // named in the calendar file
  std::chrono::milliseconds session_flush{1000};  // conversations are saved this often
  // The longest a visitor's write (a booking, a form step) waits for a database another
  // process holds locked; then "try again in a moment" instead of queued busy timeouts.
  std::chrono::milliseconds db_wait{2000};
  dialogue::availability hours;  // when consultations can be booked
  // Short texts kept with what they were understood as (the quick replies, "hi", common first
  // questions are read once); 0 reads every message afresh.
  std::size_t understanding_cache = 4096;
  handoff::webhook_config webhook;
  limits limit;
  sessions_config sessions;
};

}  // namespace advisor::server
